import { Flex, Radio, RadioGroup, Select, Text } from '@backstage/ui';
import { EnvironmentTypeDescription } from '@internal/backstage-plugin-environments-common';
import { FieldGroup } from './FieldGroup';
import { typeFacts, whyNotAllowed } from './typeSummary';
import { EnvironmentRequestFormState } from './useEnvironmentRequestForm';

/** A component the environment can be for. */
export type ComponentOption = {
  /** Its entity reference, `component:default/orders-service`. */
  ref: string;
  title: string;
  owner?: string;
};

/**
 * What the environment is for: the component, picked from the catalog, and
 * the environment type, each with what it gives and why it cannot be chosen
 * when it cannot.
 */
export function ComponentAndTypeFields(props: {
  form: EnvironmentRequestFormState;
  components: ComponentOption[];
  types: EnvironmentTypeDescription[];
}) {
  const { form, components, types } = props;
  const { draft, change } = form;
  return (
    <FieldGroup title="What it is for">
      <Flex direction="column" gap="4">
        <Select
          label="Component"
          name="componentRef"
          secondaryLabel="Required"
          searchable
          searchPlaceholder="Search components"
          placeholder="Choose a component"
          description="The catalog component whose service runs in the environment."
          value={draft.componentRef || null}
          onChange={key =>
            change('componentRef', {
              componentRef: key ? String(key) : '',
            })
          }
          validationBehavior="aria"
          options={components.map(c => ({
            id: c.ref,
            label: c.title,
            description: c.owner ? `Owned by ${c.owner}` : undefined,
          }))}
        />
        <RadioGroup
          label="Environment type"
          name="type"
          secondaryLabel="Required"
          value={draft.type || null}
          onChange={value => change('type', { type: value })}
          validationBehavior="aria"
        >
          {types.map(t => (
            <Radio key={t.name} value={t.name} isDisabled={!t.allowed}>
              <Flex direction="column" gap="1">
                <Text weight="bold">{t.name}</Text>
                <Text variant="body-small">{t.description}</Text>
                {typeFacts(t).map(fact => (
                  <Text key={fact} variant="body-small" color="secondary">
                    {fact}
                  </Text>
                ))}
                {whyNotAllowed(t) && (
                  <Text variant="body-small" color="warning">
                    {whyNotAllowed(t)}
                  </Text>
                )}
              </Flex>
            </Radio>
          ))}
        </RadioGroup>
      </Flex>
    </FieldGroup>
  );
}
