import { Alert, Flex, Text } from '@backstage/ui';
import {
  Deployment,
  EnvironmentDeployments,
} from '@internal/backstage-plugin-environments-common';
import { ChangesList } from './ChangesList';
import { splitByEffect } from './promotionEffect';
import { usePromotionPreview } from './usePromotionPreview';

/**
 * The diff a promotion will apply to its target, from the API: the values
 * it brings from the source, and apart from them those that differ but stay
 * as the target has them (its own baseline and overrides).
 */
export function PromotionPreview(props: {
  isOpen: boolean;
  source: Deployment;
  target: EnvironmentDeployments;
}) {
  const { isOpen, source, target } = props;
  const targetName = target.environmentName;
  const sourceName = source.environmentName;
  const { diff, loading, error } = usePromotionPreview({
    isOpen,
    source,
    targetCurrent: target.current,
  });

  if (!target.current) {
    return (
      <Text as="p" variant="body-small">
        Nothing was deployed to {targetName} yet: the promotion rolls out{' '}
        <code>{source.config.image}</code> with {targetName}'s own baseline.
      </Text>
    );
  }
  if (loading) {
    return (
      <Text as="p" variant="body-small" color="secondary">
        Reading what changes…
      </Text>
    );
  }
  if (error) {
    return (
      <Alert
        status="danger"
        title="Could not read what the promotion changes"
        description={error.message}
      />
    );
  }
  if (!diff) return null;
  const { brought, kept, reset } = splitByEffect(
    diff.changes,
    source,
    target.current,
  );
  const fromLabel = `${targetName} now`;
  return (
    <Flex direction="column" gap="3" aria-label="What the promotion changes">
      {brought.length === 0 ? (
        <Text as="p" variant="body-small">
          No changes: {targetName} already runs what {sourceName} runs.
        </Text>
      ) : (
        <ChangesList
          label={`Changes the promotion brings to ${targetName}`}
          changes={brought}
          fromLabel={fromLabel}
          toLabel="after the promotion"
        />
      )}
      {reset.length > 0 && (
        <>
          <Text as="p" variant="body-small" color="secondary">
            {sourceName}'s component defaults no longer set these: {targetName}
            's baseline applies instead.
          </Text>
          <ChangesList
            label={`Values that fall back to ${targetName}'s baseline`}
            changes={reset}
            fromLabel={fromLabel}
            toLabel={`in ${sourceName}`}
          />
        </>
      )}
      {kept.length > 0 && (
        <>
          <Text as="p" variant="body-small" color="secondary">
            These differ too, but {targetName} keeps its own (its baseline and
            overrides):
          </Text>
          <ChangesList
            label={`Values ${targetName} keeps`}
            changes={kept}
            fromLabel={`${targetName} keeps`}
            toLabel={`in ${sourceName}`}
          />
        </>
      )}
    </Flex>
  );
}
