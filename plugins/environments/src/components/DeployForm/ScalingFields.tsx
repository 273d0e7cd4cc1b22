import { Button, Flex, Grid } from '@backstage/ui';
import { DEFAULT_REPLICAS } from '@internal/backstage-plugin-environments-common';
import { RiArrowGoBackLine } from '@remixicon/react';
import { DeployFormState } from '../../hooks/useDeployForm';
import { FieldGroup } from '../RequestEnvironment/FieldGroup';
import { FormTextField } from '../RequestEnvironment/FormTextField';
import { DeployDraft } from './deployDraft';
import { describeLayers } from './layers';
import { LayerBadge } from './LayerBadge';

type ScalingField = {
  /** The path of the value, and of its issues. */
  path: 'replicas' | 'resources.cpu' | 'resources.memory';
  draftKey: keyof Pick<DeployDraft, 'replicas' | 'cpu' | 'memory'>;
  label: string;
  bound: string | number | undefined;
  /** What applies when no layer sets it. */
  fallback: string;
};

/**
 * Replicas and the container's cpu and memory limits: each as the
 * environment overrides it (empty for no override), with the layer its
 * value comes from and the type's bound. Clearing a field, or its "Remove
 * override" button, sends `null`: the lower layers apply again.
 */
export function ScalingFields(props: { form: DeployFormState }) {
  const { form } = props;
  const { draft, resolved, type, change, errorFor } = form;
  const limits = type?.baseline.limits;
  const fields: ScalingField[] = [
    {
      path: 'replicas',
      draftKey: 'replicas',
      label: 'Replicas',
      bound: type?.bounds.replicas,
      fallback: `${DEFAULT_REPLICAS} unless a layer sets it.`,
    },
    {
      path: 'resources.cpu',
      draftKey: 'cpu',
      label: 'CPU',
      bound: type?.bounds.cpu,
      fallback: limits?.defaultCpu
        ? `The namespace's default limit, ${limits.defaultCpu}, unless a layer sets it.`
        : "The namespace's default limit unless a layer sets it.",
    },
    {
      path: 'resources.memory',
      draftKey: 'memory',
      label: 'Memory',
      bound: type?.bounds.memory,
      fallback: limits?.defaultMemory
        ? `The namespace's default limit, ${limits.defaultMemory}, unless a layer sets it.`
        : "The namespace's default limit unless a layer sets it.",
    },
  ];
  return (
    <FieldGroup title="Scale and resources">
      <Grid.Root columns={{ initial: '1', md: '3' }} gap="4">
        {fields.map(field => {
          const origin = resolved.origins[field.path];
          const overridden = draft[field.draftKey].trim() !== '';
          const inherited = resolved.config;
          const placeholder =
            field.path === 'replicas'
              ? String(inherited.replicas)
              : inherited.resources[field.draftKey as 'cpu' | 'memory'] ?? '';
          const bound =
            field.bound !== undefined
              ? ` At most ${field.bound}, the bound of type ${type?.name}.`
              : '';
          return (
            <Flex key={field.path} direction="column" gap="1">
              <FormTextField
                field={field.path}
                label={field.label}
                value={draft[field.draftKey]}
                onChange={value =>
                  change(field.path, { [field.draftKey]: value })
                }
                error={errorFor(field.path)}
                placeholder={overridden ? undefined : placeholder}
                description={`${describeLayers(
                  resolved.layers,
                  origin,
                  field.path,
                  field.fallback,
                )}${bound}`}
              />
              <Flex gap="2" align="center">
                <LayerBadge layer={origin} />
                {overridden && (
                  <Button
                    size="small"
                    variant="tertiary"
                    iconStart={<RiArrowGoBackLine />}
                    aria-label={`Remove the override of ${field.label}`}
                    onPress={() => change(field.path, { [field.draftKey]: '' })}
                  >
                    Remove override
                  </Button>
                )}
              </Flex>
            </Flex>
          );
        })}
      </Grid.Root>
    </FieldGroup>
  );
}
