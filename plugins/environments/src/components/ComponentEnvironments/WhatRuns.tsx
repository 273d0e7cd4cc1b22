import { Flex, Text } from '@backstage/ui';
import { Environment } from '@internal/backstage-plugin-environments-common';
import { useEnvironmentPods } from '../../hooks/useEnvironmentPods';
import { summarizeByImage } from './workloadSummary';

/** The images running in an environment, and how many replicas are ready. */
export function WhatRuns(props: { environment: Environment }) {
  const { environment } = props;
  const { pods, error } = useEnvironmentPods(
    environment.id,
    environment.updatedAt,
  );
  if (error) {
    return (
      <Text variant="body-small" color="danger">
        Could not list its pods: {error.message}
      </Text>
    );
  }
  if (!pods) {
    return (
      <Text variant="body-small" color="secondary">
        Looking at its pods…
      </Text>
    );
  }
  if (pods.length === 0) {
    return (
      <Text variant="body-small" color="secondary">
        Nothing runs there yet.
      </Text>
    );
  }
  return (
    <Flex direction="column" gap="1">
      {summarizeByImage(pods).map(summary => (
        <Text key={summary.image} variant="body-small">
          <code>{summary.image}</code>: {summary.ready} of {summary.pods}{' '}
          {summary.pods === 1 ? 'replica' : 'replicas'} ready
          {summary.restarts > 0 && `, ${summary.restarts} restarts`}
        </Text>
      ))}
    </Flex>
  );
}
