import { Alert, Flex, Text } from '@backstage/ui';
import {
  ConfigChange,
  Deployment,
  DeploymentDiff,
  EnvironmentDeployments,
  formatConfigChanges,
} from '@internal/backstage-plugin-environments-common';
import { ReactNode } from 'react';
import { DeploymentDiffView } from '../DeploymentDiff';
import { splitByEffect } from './promotionEffect';
import { usePromotionPreview } from './usePromotionPreview';

/** Some of a diff's changes, as a diff of their own for the side-by-side view. */
function part(diff: DeploymentDiff, changes: ConfigChange[]): DeploymentDiff {
  return { ...diff, changes, text: formatConfigChanges(changes) };
}

/** A labelled part of the preview: the view's tables all have the same name. */
function Part(props: { label: string; note?: ReactNode; children: ReactNode }) {
  return (
    <Flex direction="column" gap="2" role="group" aria-label={props.label}>
      {props.note && (
        <Text as="p" variant="body-small" color="secondary">
          {props.note}
        </Text>
      )}
      {props.children}
    </Flex>
  );
}

/**
 * The diff a promotion will apply to its target, from the API: the values
 * it brings from the source, and apart from them those that differ but stay
 * as the target has them (its own baseline and overrides) or fall back to
 * its baseline.
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
  const now = `${targetName} now (${target.current.version})`;
  return (
    <Flex direction="column" gap="4">
      <Part label={`Changes the promotion brings to ${targetName}`}>
        {brought.length === 0 ? (
          <Text as="p" variant="body-small">
            No changes: {targetName} already runs what {sourceName} runs.
          </Text>
        ) : (
          <DeploymentDiffView
            diff={part(diff, brought)}
            fromLabel={now}
            toLabel="After the promotion"
          />
        )}
      </Part>
      {reset.length > 0 && (
        <Part
          label={`Values that fall back to ${targetName}'s baseline`}
          note={`${sourceName}'s component defaults no longer set these: ${targetName}'s baseline applies instead.`}
        >
          <DeploymentDiffView
            diff={part(diff, reset)}
            fromLabel={now}
            toLabel={`In ${sourceName}`}
          />
        </Part>
      )}
      {kept.length > 0 && (
        <Part
          label={`Values ${targetName} keeps`}
          note={`These differ too, but ${targetName} keeps its own (its baseline and overrides).`}
        >
          <DeploymentDiffView
            diff={part(diff, kept)}
            fromLabel={`${targetName} keeps`}
            toLabel={`In ${sourceName}`}
          />
        </Part>
      )}
    </Flex>
  );
}
