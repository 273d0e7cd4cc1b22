import { useApi } from '@backstage/frontend-plugin-api';
import {
  FieldExtensionComponentProps,
  makeFieldSchema,
} from '@backstage/plugin-scaffolder-react';
import {
  createFormField,
  ScaffolderField,
} from '@backstage/plugin-scaffolder-react/alpha';
import { environmentsApiRef } from '@internal/backstage-plugin-environments';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useEffect } from 'react';
import useAsync from 'react-use/esm/useAsync';

/** The field's value and its `ui:options`, as the template editor documents them. */
export const EnvironmentPickerFieldSchema = makeFieldSchema({
  output: z => z.string(),
  uiOptions: z =>
    z.object({
      componentField: z
        .string()
        .optional()
        .describe(
          'The field of the form holding the component (an entity reference, as EntityPicker gives it) whose environments to offer. Default "component".',
        ),
    }),
});

type EnvironmentPickerProps = FieldExtensionComponentProps<
  string,
  { componentField?: string }
>;

/**
 * One of a component's environments, by name, as the environments API lists
 * them to the user: the component is another field of the form
 * (`ui:options.componentField`), so the choice follows it. An environment
 * being deleted is shown but cannot be chosen.
 */
export function EnvironmentPicker(props: EnvironmentPickerProps) {
  const {
    schema: { title = 'Environment', description },
    uiSchema,
    formContext,
    formData,
    onChange,
    required,
    rawErrors,
    errors,
    idSchema,
  } = props;
  const componentField = uiSchema['ui:options']?.componentField ?? 'component';
  const componentRef: string | undefined =
    formContext?.formData?.[componentField] || undefined;
  const environmentsApi = useApi(environmentsApiRef);

  const listing = useAsync(async () => {
    if (!componentRef) return [];
    const { items } = await environmentsApi.listEnvironments({ componentRef });
    return items;
  }, [environmentsApi, componentRef]);
  const environments = listing.value ?? [];

  // A name chosen for another component does not carry over.
  useEffect(() => {
    if (
      formData &&
      listing.value &&
      !listing.value.some(e => e.name === formData)
    ) {
      onChange(undefined);
    }
  }, [formData, listing.value, onChange]);

  let helperText: string | undefined;
  if (!componentRef) helperText = 'Choose the component first.';
  else if (listing.loading)
    helperText = `Listing ${componentRef}'s environments…`;
  else if (listing.error) {
    helperText = `Could not list the environments of ${componentRef}: ${listing.error.message}`;
  } else if (environments.length === 0) {
    helperText = `${componentRef} has no environments yet: request one first (Create, "Request an environment").`;
  }

  return (
    <ScaffolderField
      rawErrors={rawErrors}
      rawDescription={uiSchema['ui:description'] ?? description}
      required={required}
      disabled={uiSchema['ui:disabled']}
      errors={errors}
    >
      <TextField
        id={idSchema?.$id}
        select
        fullWidth
        variant="outlined"
        margin="dense"
        label={title}
        required={required}
        value={environments.some(e => e.name === formData) ? formData : ''}
        onChange={event => onChange(event.target.value as string)}
        disabled={!componentRef || listing.loading || environments.length === 0}
        error={Boolean(listing.error) || (rawErrors?.length ?? 0) > 0}
        helperText={helperText}
      >
        {environments.map(environment => (
          <MenuItem
            key={environment.id}
            value={environment.name}
            disabled={environment.status === 'deleting'}
          >
            {environment.name} ({environment.type}, {environment.status})
          </MenuItem>
        ))}
      </TextField>
    </ScaffolderField>
  );
}

/** The field extension: `ui:field: EnvironmentPicker` in a template. */
export const EnvironmentPickerField = createFormField({
  name: 'EnvironmentPicker',
  component: EnvironmentPicker,
  schema: EnvironmentPickerFieldSchema,
});
