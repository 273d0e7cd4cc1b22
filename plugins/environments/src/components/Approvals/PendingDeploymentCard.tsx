import { Alert, Card, CardBody, Flex, Skeleton, Text } from '@backstage/ui';
import { Deployment } from '@internal/backstage-plugin-environments-common';
import { useId } from 'react';
import { DeploymentDiffView } from '../DeploymentDiff';
import { DeploymentStateBadge } from '../DeploymentStateBadge';
import { FactList, Fact } from '../FactList';
import { entityName, formatDateTime } from '../format';
import { DecisionForm, Outcome } from './DecisionForm';
import { decisionFact } from './decisionFact';
import { usePendingDiff } from './usePendingDiff';
import { WaitingForApproval } from './WaitingForApproval';

/** "orders-service 1.4.2 in production": what a deployment is, in a few words. */
export function deploymentSubject(deployment: Deployment): string {
  return `${entityName(deployment.componentRef)} ${deployment.version} in ${
    deployment.environmentName
  }`;
}

function howAsked(deployment: Deployment): string {
  switch (deployment.kind) {
    case 'promotion':
      return `Promotion from ${
        deployment.promotedFrom?.environmentName ?? 'the environment before'
      }`;
    case 'rollback':
      return 'Rollback';
    default:
      return `Deploy (${deployment.source})`;
  }
}

function PendingChanges(props: { deployment: Deployment }) {
  const pending = usePendingDiff(props.deployment);
  if (pending.loading) {
    return <Skeleton width="100%" height={48} />;
  }
  if (pending.error) {
    return (
      <Alert
        status="warning"
        title="Could not read what it changes"
        description={pending.error.message}
      />
    );
  }
  if (pending.value?.kind !== 'diff') {
    return (
      <Text variant="body-small">
        Nothing runs in {props.deployment.environmentName} yet: approving rolls
        out its first deployment, image {props.deployment.config.image}.
      </Text>
    );
  }
  return (
    <DeploymentDiffView
      diff={pending.value.diff}
      fromLabel={`Running now: ${pending.value.current.version}`}
      toLabel={`Asked for: ${props.deployment.version}`}
    />
  );
}

/**
 * A deployment that waits for an approval: who asked, when and why, what it
 * changes against what runs now, and the decision.
 */
export function PendingDeploymentCard(props: {
  deployment: Deployment;
  /** Left out for a deployment the user asked for: it only shows its state. */
  decide?: (outcome: Outcome, comment: string) => Promise<unknown>;
  onDecided?: (outcome: Outcome, comment: string) => void;
}) {
  const { deployment, decide, onDecided = () => {} } = props;
  const headingId = useId();
  const subject = deploymentSubject(deployment);
  const facts: Fact[] = [
    ['Requested by', entityName(deployment.createdBy)],
    ['Requested', formatDateTime(deployment.createdAt)],
    ['Kind', howAsked(deployment)],
    ['Message', deployment.message],
  ];
  if (deployment.commit) {
    facts.push(['Commit', deployment.commit.sha.slice(0, 12)]);
  }
  const decision = deployment.approval?.decision;
  if (decision) {
    facts.push(decisionFact(decision));
  }
  return (
    <section aria-labelledby={headingId}>
      <Card>
        <CardBody>
          <Flex direction="column" gap="3">
            <Flex direction="column" gap="1">
              <Text as="h3" variant="title-x-small" id={headingId}>
                {subject}
              </Text>
              {deployment.state === 'pending-approval' &&
                deployment.approval && (
                  <WaitingForApproval approval={deployment.approval} />
                )}
              {deployment.state !== 'pending-approval' && (
                <DeploymentStateBadge state={deployment.state} />
              )}
            </Flex>
            <FactList facts={facts} />
            {deployment.state === 'pending-approval' && (
              <PendingChanges deployment={deployment} />
            )}
            {decide && deployment.state === 'pending-approval' && (
              <DecisionForm
                subject={subject}
                decide={decide}
                onDecided={onDecided}
              />
            )}
          </Flex>
        </CardBody>
      </Card>
    </section>
  );
}
