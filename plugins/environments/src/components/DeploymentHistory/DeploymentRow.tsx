import { Button, Checkbox, Flex, Link, Text } from '@backstage/ui';
import {
  Deployment,
  hasSucceeded,
} from '@internal/backstage-plugin-environments-common';
import { CSSProperties } from 'react';
import { deploymentLabel } from '../DeploymentDiff/deploymentLabel';
import { entityName, formatDateTime } from '../format';
import { DeploymentStateBadge } from '../DeploymentStateBadge';

export const historyCell: CSSProperties = {
  padding: 'var(--bui-space-2) var(--bui-space-3)',
  borderBottom: '1px solid var(--bui-border-1)',
  textAlign: 'left',
  verticalAlign: 'top',
};

const SOURCE_LABELS: Record<Deployment['source'], string> = {
  ui: 'Portal',
  api: 'API',
  cli: 'CLI',
  scaffolder: 'Template',
  ci: 'CI',
  webhook: 'Webhook',
};

/** Who asked: a user's name, or the CI service as it is named. */
function who(createdBy: string): string {
  return createdBy.includes(':') ? entityName(createdBy) : createdBy;
}

/** How it came about, when that is more than a deploy. */
function origin(deployment: Deployment, sequenceOf: (id: string) => string) {
  if (deployment.kind === 'rollback' && deployment.rollbackOf) {
    return `Rollback to ${sequenceOf(deployment.rollbackOf)}`;
  }
  if (deployment.kind === 'promotion' && deployment.promotedFrom) {
    return `Promoted from ${deployment.promotedFrom.environmentName}`;
  }
  return undefined;
}

/**
 * A deployment that a rollback may return to: it succeeded, and it is not
 * the one that runs now (a `succeeded` deployment is always the newest that
 * finished; any later one supersedes it).
 */
export function canRollBackTo(deployment: Deployment): boolean {
  return hasSucceeded(deployment) && deployment.state !== 'succeeded';
}

/** One deployment of the history: what, why, from where, who, when and how it ended. */
export function DeploymentRow(props: {
  deployment: Deployment;
  picked: boolean;
  onTogglePicked: () => void;
  onRollBack: () => void;
  sequenceOf: (id: string) => string;
}) {
  const { deployment, picked } = props;
  const label = deploymentLabel(deployment);
  const how = origin(deployment, props.sequenceOf);
  return (
    <tr data-deployment={deployment.id}>
      <td style={historyCell}>
        <Checkbox
          isSelected={picked}
          onChange={props.onTogglePicked}
          aria-label={`Compare ${label}`}
        />
      </td>
      <th scope="row" style={historyCell}>
        <Text variant="body-small" weight="bold">
          {deployment.version}
        </Text>
        <Text as="div" variant="body-small" color="secondary">
          #{deployment.sequence}
        </Text>
      </th>
      <td style={historyCell}>
        <Text variant="body-small">{deployment.message}</Text>
        {how && (
          <Text as="div" variant="body-small" color="secondary">
            {how}
          </Text>
        )}
      </td>
      <td style={historyCell}>
        <Text variant="body-small">{SOURCE_LABELS[deployment.source]}</Text>
      </td>
      <td style={historyCell}>
        {deployment.commit ? (
          <CommitLink commit={deployment.commit} />
        ) : (
          <Text variant="body-small" color="secondary">
            none
          </Text>
        )}
      </td>
      <td style={historyCell}>
        <Text variant="body-small">{who(deployment.createdBy)}</Text>
      </td>
      <td style={historyCell}>
        <Text variant="body-small">{formatDateTime(deployment.createdAt)}</Text>
        {deployment.finishedAt && (
          <Text as="div" variant="body-small" color="secondary">
            ended {formatDateTime(deployment.finishedAt)}
          </Text>
        )}
      </td>
      <td style={historyCell}>
        <Flex direction="column" gap="1">
          <DeploymentStateBadge state={deployment.state} />
          {deployment.reason && (
            <Text variant="body-small">{deployment.reason}</Text>
          )}
        </Flex>
      </td>
      <td style={historyCell}>
        {canRollBackTo(deployment) && (
          <Button
            size="small"
            variant="secondary"
            aria-label={`Roll back to ${label}`}
            onPress={props.onRollBack}
          >
            Roll back
          </Button>
        )}
      </td>
    </tr>
  );
}

function CommitLink(props: { commit: NonNullable<Deployment['commit']> }) {
  const short = props.commit.sha.slice(0, 7);
  const text = (
    <Text
      variant="body-small"
      style={{ fontFamily: 'var(--bui-font-monospace)' }}
    >
      {short}
    </Text>
  );
  return props.commit.url ? (
    <Link href={props.commit.url} aria-label={`Commit ${short}`}>
      {text}
    </Link>
  ) : (
    text
  );
}
