import { Button, ButtonIcon, Flex, Text } from '@backstage/ui';
import { RiAddLine, RiArrowGoBackLine, RiEditLine } from '@remixicon/react';
import { DeployFormState } from '../../hooks/useDeployForm';
import { FieldGroup } from '../RequestEnvironment/FieldGroup';
import { FormTextField } from '../RequestEnvironment/FormTextField';
import { describeLayers } from './layers';
import { LayerBadge } from './LayerBadge';

const rowStyle = { flexWrap: 'wrap' as const };

/**
 * The environment variables: those the environment overrides, editable,
 * and those a lower layer sets, each with its layer and a button to
 * override it. Removing an override sends `null` for it, so the lower
 * layer's value (if any) applies again. Secret references are listed by
 * name only: their values never reach the portal.
 */
export function EnvFields(props: { form: DeployFormState }) {
  const { form } = props;
  const { draft, resolved, errorFor, changeEnv, addEnv, removeEnv } = form;
  const overridden = new Set(draft.env.map(row => row.name.trim()));
  const inherited = Object.entries(resolved.config.env).filter(
    ([name]) => !overridden.has(name),
  );
  const secretRefs = Object.entries(resolved.config.secretRefs);
  return (
    <FieldGroup title="Configuration">
      <Flex direction="column" gap="4">
        {draft.env.map((row, index) => {
          const name = row.name.trim();
          const label = name || `variable ${index + 1}`;
          const errors = [
            errorFor(`envRow.${row.key}`),
            errorFor(`env.${name}`),
          ]
            .filter(Boolean)
            .join(' ');
          return (
            <Flex key={row.key} gap="2" align="end" style={rowStyle}>
              <FormTextField
                field={`env.${name}.name`}
                label={`Name of ${label}`}
                value={row.name}
                onChange={value => changeEnv(row.key, 'name', value)}
                error={errors || undefined}
              />
              <FormTextField
                field={`env.${name}`}
                label={`Value of ${label}`}
                value={row.value}
                onChange={value => changeEnv(row.key, 'value', value)}
                error={undefined}
                description={describeLayers(
                  resolved.layers,
                  resolved.origins[`env.${name}`],
                  `env.${name}`,
                  'A new variable.',
                )}
              />
              <LayerBadge layer="override" />
              <ButtonIcon
                aria-label={`Remove the override of ${label}`}
                icon={<RiArrowGoBackLine />}
                variant="tertiary"
                onPress={() => removeEnv(row.key)}
              />
            </Flex>
          );
        })}
        {inherited.length > 0 && (
          <ul
            aria-label="Variables from lower layers"
            style={{ margin: 0, padding: 0, listStyle: 'none' }}
          >
            {inherited.map(([name, value]) => (
              <li key={name}>
                <Flex gap="2" align="center" style={rowStyle}>
                  <Text weight="bold">{name}</Text>
                  <Text>= {value}</Text>
                  <LayerBadge layer={resolved.origins[`env.${name}`]} />
                  <Button
                    size="small"
                    variant="tertiary"
                    iconStart={<RiEditLine />}
                    aria-label={`Override ${name}`}
                    onPress={() => addEnv(name, value)}
                  >
                    Override
                  </Button>
                </Flex>
              </li>
            ))}
          </ul>
        )}
        <div>
          <Button
            variant="secondary"
            iconStart={<RiAddLine />}
            onPress={() => addEnv()}
          >
            Add a variable
          </Button>
        </div>
        {secretRefs.length > 0 && (
          <Flex direction="column" gap="1">
            <Text variant="body-small" color="secondary">
              From the environment&apos;s secrets (values are never shown):
            </Text>
            <ul
              aria-label="Secret references"
              style={{ margin: 0, paddingLeft: 16 }}
            >
              {secretRefs.map(([name, key]) => (
                <li key={name}>
                  <Flex gap="2" align="center">
                    <Text variant="body-small">
                      {name} from secret {key}
                    </Text>
                    <LayerBadge
                      layer={resolved.origins[`secretRefs.${name}`]}
                    />
                  </Flex>
                </li>
              ))}
            </ul>
          </Flex>
        )}
      </Flex>
    </FieldGroup>
  );
}
