import { Alert, Button, Flex, VisuallyHidden } from '@backstage/ui';
import {
  Environment,
  EnvironmentRequest,
  EnvironmentTypeDescription,
} from '@internal/backstage-plugin-environments-common';
import { FormValidationContext } from 'react-aria-components';
import {
  ComponentAndTypeFields,
  ComponentOption,
} from './ComponentAndTypeFields';
import { NameAndTtlFields } from './NameAndTtlFields';
import { OverrideFields } from './OverrideFields';
import { sentence } from './requestDraft';
import { ResourceFields } from './ResourceFields';
import { useEnvironmentRequestForm } from './useEnvironmentRequestForm';

export type { ComponentOption };

export type EnvironmentRequestFormProps = {
  types: EnvironmentTypeDescription[];
  components: ComponentOption[];
  /** Preselects a component, for example when opened from its page. */
  initialComponentRef?: string;
  /** Sends the request; a `ResponseError` with `issues` is shown on the fields. */
  onSubmit: (request: EnvironmentRequest) => Promise<Environment>;
  onCreated: (environment: Environment) => void;
  onCancel?: () => void;
};

/**
 * The request form. It validates as the user types, with the same shared
 * schema as the backend, and shows each problem next to its field once the
 * field was touched, or on submit; the backend's answer to an invalid request
 * lands on the same fields.
 */
export function EnvironmentRequestForm(props: EnvironmentRequestFormProps) {
  const { types, components, onCancel } = props;
  const form = useEnvironmentRequestForm({
    types,
    componentRefs: components.map(c => c.ref),
    initialComponentRef: props.initialComponentRef,
    onSubmit: props.onSubmit,
    onCreated: props.onCreated,
  });
  const { formIssues } = form;

  return (
    <FormValidationContext.Provider value={form.pickerErrors}>
      <form
        ref={form.formRef}
        onSubmit={form.submit}
        noValidate
        aria-label="Request an environment"
      >
        <Flex direction="column" gap="4">
          <ComponentAndTypeFields
            form={form}
            components={components}
            types={types}
          />
          <NameAndTtlFields form={form} />
          <OverrideFields form={form} />
          <ResourceFields form={form} />

          {formIssues.length > 0 && (
            <Alert
              status="danger"
              title="The request was not accepted"
              description={formIssues
                .map(issue =>
                  issue.field === 'request'
                    ? sentence(issue.rule)
                    : `${issue.field}: ${issue.rule}`,
                )
                .join('\n')}
            />
          )}
          <VisuallyHidden aria-live="polite" role="status">
            {form.announcement}
          </VisuallyHidden>
          <Flex gap="2">
            <Button type="submit" variant="primary" isPending={form.submitting}>
              Request environment
            </Button>
            {onCancel && (
              <Button variant="secondary" onPress={onCancel}>
                Cancel
              </Button>
            )}
          </Flex>
        </Flex>
      </form>
    </FormValidationContext.Provider>
  );
}
