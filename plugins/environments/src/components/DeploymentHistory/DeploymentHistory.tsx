import { Progress } from '@backstage/core-components';
import { Alert, Button, Flex, Text } from '@backstage/ui';
import {
  Deployment,
  Environment,
} from '@internal/backstage-plugin-environments-common';
import { useRef, useState } from 'react';
import { useDeploymentHistory } from '../../hooks/useDeploymentHistory';
import { useDeploymentHistorySummary } from '../../hooks/useDeploymentHistorySummary';
import { DeploymentDiffPanel } from '../DeploymentDiff';
import { deploymentLabel } from '../DeploymentDiff/deploymentLabel';
import { RollbackDialog } from '../RollbackDialog';
import { togglePicked } from './comparison';
import { DeploymentRow, historyCell } from './DeploymentRow';
import { PinNotice } from './PinNotice';

const COLUMNS = [
  'Compare',
  'Version',
  'Message',
  'Source',
  'Commit',
  'Who',
  'When',
  'Outcome',
  'Actions',
];

/**
 * An environment's deployment history, live: every deployment, newest
 * first, a page at a time; pick any two to see their diff side by side,
 * and roll back to one that succeeded. Shows the pin a rollback leaves.
 */
export function DeploymentHistory(props: { environment: Environment }) {
  const { environment } = props;
  const history = useDeploymentHistory(environment.id);
  const { summary } = useDeploymentHistorySummary(
    environment.id,
    environment.componentRef,
  );
  const [picked, setPicked] = useState<string[]>([]);
  const [rollbackTarget, setRollbackTarget] = useState<Deployment>();
  const heading = useRef<HTMLHeadingElement>(null);

  if (history.error && !history.deployments) {
    return (
      <Alert
        status="danger"
        title="Could not load the deployments"
        description={history.error.message}
      />
    );
  }
  if (!history.deployments) return <Progress />;

  const deployments = history.deployments;
  const byId = new Map(deployments.map(d => [d.id, d]));
  const sequenceOf = (id: string) => {
    const deployment = byId.get(id);
    return deployment ? deploymentLabel(deployment) : 'an older deployment';
  };
  // Older on the left, whichever was picked first: changes read forwards.
  const compared = picked
    .map(id => byId.get(id))
    .filter((d): d is Deployment => Boolean(d))
    .sort((a, b) => a.sequence - b.sequence);
  const [older, newer] = compared;

  return (
    <Flex direction="column" gap="4">
      <Text as="h2" variant="title-small" ref={heading} tabIndex={-1}>
        Deployments
      </Text>
      {summary?.pin && <PinNotice pin={summary.pin} />}
      {deployments.length === 0 ? (
        <Text>Nothing was deployed to {environment.name} yet.</Text>
      ) : (
        <table
          aria-label={`Deployments of ${environment.name}`}
          style={{ width: '100%', borderCollapse: 'collapse' }}
        >
          <thead>
            <tr>
              {COLUMNS.map(column => (
                <th key={column} scope="col" style={historyCell}>
                  <Text variant="body-small" color="secondary">
                    {column}
                  </Text>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {deployments.map(deployment => (
              <DeploymentRow
                key={deployment.id}
                deployment={deployment}
                picked={picked.includes(deployment.id)}
                onTogglePicked={() =>
                  setPicked(current => togglePicked(current, deployment.id))
                }
                onRollBack={() => setRollbackTarget(deployment)}
                sequenceOf={sequenceOf}
              />
            ))}
          </tbody>
        </table>
      )}
      {history.hasMore && (
        <Button
          variant="secondary"
          isPending={history.loadingMore}
          onPress={history.loadMore}
        >
          Show older deployments
        </Button>
      )}
      {history.error && (
        <Alert
          status="danger"
          title="Could not load more deployments"
          description={history.error.message}
        />
      )}
      <section aria-label="Comparison">
        {older && newer ? (
          <Flex direction="column" gap="2">
            <Text as="h3" variant="title-x-small">
              Changes from {deploymentLabel(older)} to {deploymentLabel(newer)}
            </Text>
            <DeploymentDiffPanel from={older} to={newer} />
          </Flex>
        ) : (
          deployments.length > 1 && (
            <Text variant="body-small" color="secondary">
              {compared.length === 1
                ? 'Pick one more deployment to compare.'
                : 'Pick two deployments to see what changed between them.'}
            </Text>
          )
        )}
      </section>
      {rollbackTarget && (
        <RollbackDialog
          key={rollbackTarget.id}
          environmentId={environment.id}
          environmentName={environment.name}
          target={rollbackTarget}
          isOpen
          onOpenChange={isOpen => {
            if (!isOpen) setRollbackTarget(undefined);
          }}
          onRolledBack={() => heading.current?.focus()}
        />
      )}
    </Flex>
  );
}
