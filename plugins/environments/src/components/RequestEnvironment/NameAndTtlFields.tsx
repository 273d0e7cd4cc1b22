import { Flex } from '@backstage/ui';
import { FieldGroup } from './FieldGroup';
import { FormTextField } from './FormTextField';
import { EnvironmentRequestFormState } from './useEnvironmentRequestForm';

/** The environment's name and, for an ephemeral type, its time to live. */
export function NameAndTtlFields(props: { form: EnvironmentRequestFormState }) {
  const { draft, type, change, errorFor } = props.form;
  return (
    <FieldGroup title="Name and lifetime">
      <Flex direction="column" gap="4">
        <FormTextField
          field="name"
          label="Name"
          value={draft.name}
          onChange={name => change('name', { name })}
          error={errorFor('name')}
          description={`Lowercase letters, digits and "-", at most 40 characters; part of the namespace name. Leave empty for ${
            draft.type ? `"${draft.type}"` : 'the type name'
          }.`}
          placeholder={draft.type || 'pr-1234'}
        />
        {type?.ttl && (
          <FormTextField
            field="ttl"
            label="Time to live"
            value={draft.ttl}
            onChange={ttl => change('ttl', { ttl })}
            error={errorFor('ttl')}
            description={`Minutes, hours or days, such as 30m, 4h or 2d. Default ${type.ttl.default}, at most ${type.ttl.max}.`}
            placeholder={type.ttl.default}
          />
        )}
      </Flex>
    </FieldGroup>
  );
}
