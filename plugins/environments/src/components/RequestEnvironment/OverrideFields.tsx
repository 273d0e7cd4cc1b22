import { Flex } from '@backstage/ui';
import { FieldGroup } from './FieldGroup';
import { FormTextField } from './FormTextField';
import { EnvironmentRequestFormState } from './useEnvironmentRequestForm';

/** CPU and memory quota instead of the type's baseline, within its bounds. */
export function OverrideFields(props: { form: EnvironmentRequestFormState }) {
  const { draft, type, change, errorFor } = props.form;
  return (
    <FieldGroup title="Quota overrides">
      <Flex gap="4" style={{ flexWrap: 'wrap' }}>
        <FormTextField
          field="overrides.cpu"
          label="CPU"
          value={draft.cpu}
          onChange={cpu => change('overrides.cpu', { cpu })}
          error={errorFor('overrides.cpu')}
          description={
            type
              ? `Cores, such as 2 or 500m. Baseline ${type.baseline.quota.cpu}, at most ${type.bounds.cpu}.`
              : 'Cores, such as 2 or 500m. Choose a type to see its bounds.'
          }
          placeholder={type?.baseline.quota.cpu}
        />
        <FormTextField
          field="overrides.memory"
          label="Memory"
          value={draft.memory}
          onChange={memory => change('overrides.memory', { memory })}
          error={errorFor('overrides.memory')}
          description={
            type
              ? `Bytes, such as 4Gi or 512Mi. Baseline ${type.baseline.quota.memory}, at most ${type.bounds.memory}.`
              : 'Bytes, such as 4Gi or 512Mi. Choose a type to see its bounds.'
          }
          placeholder={type?.baseline.quota.memory}
        />
      </Flex>
    </FieldGroup>
  );
}
