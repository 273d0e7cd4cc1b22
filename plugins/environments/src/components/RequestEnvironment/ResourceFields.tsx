import { Button, ButtonIcon, Flex, Text } from '@backstage/ui';
import { RiAddLine, RiDeleteBinLine } from '@remixicon/react';
import { FieldGroup } from './FieldGroup';
import { FormTextField } from './FormTextField';
import { EnvironmentRequestFormState } from './useEnvironmentRequestForm';

/** The environment's PostgreSQL databases, added and removed one by one. */
export function ResourceFields(props: { form: EnvironmentRequestFormState }) {
  const { draft, changeDatabase, addDatabase, removeDatabase, errorFor } =
    props.form;
  return (
    <FieldGroup title="Databases">
      <Flex direction="column" gap="4">
        {draft.databases.length === 0 && (
          <Text variant="body-small" color="secondary">
            No databases. A PostgreSQL database gets its own StatefulSet,
            Service and a Secret with generated credentials.
          </Text>
        )}
        {draft.databases.map((database, index) => (
          <fieldset
            key={database.key}
            style={{ border: 0, margin: 0, padding: 0 }}
          >
            <legend>
              <Text weight="bold">PostgreSQL database {index + 1}</Text>
            </legend>
            <Flex gap="4" align="start" style={{ flexWrap: 'wrap' }}>
              <FormTextField
                field={`resources.${index}.name`}
                label="Database name"
                value={database.name}
                onChange={v => changeDatabase(index, 'name', v)}
                error={errorFor(`resources.${index}.name`)}
                secondaryLabel="Required"
                description='Lowercase letters, digits and "-"; unique in the environment.'
              />
              <FormTextField
                field={`resources.${index}.version`}
                label="PostgreSQL version"
                value={database.version}
                onChange={v => changeDatabase(index, 'version', v)}
                error={errorFor(`resources.${index}.version`)}
                description="Such as 16 or 16.4. Default 16."
                placeholder="16"
              />
              <FormTextField
                field={`resources.${index}.storage`}
                label="Storage"
                value={database.storage}
                onChange={v => changeDatabase(index, 'storage', v)}
                error={errorFor(`resources.${index}.storage`)}
                description="Volume size, such as 1Gi. Default 1Gi."
                placeholder="1Gi"
              />
              <ButtonIcon
                aria-label={`Remove PostgreSQL database ${index + 1}`}
                icon={<RiDeleteBinLine />}
                variant="tertiary"
                onPress={() => removeDatabase(index)}
              />
            </Flex>
          </fieldset>
        ))}
        <div>
          <Button
            variant="secondary"
            iconStart={<RiAddLine />}
            onPress={addDatabase}
          >
            Add a PostgreSQL database
          </Button>
        </div>
      </Flex>
    </FieldGroup>
  );
}
