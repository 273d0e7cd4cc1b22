import {
  Alert,
  Card,
  CardBody,
  CardHeader,
  Flex,
  Text,
  VisuallyHidden,
} from '@backstage/ui';
import {
  Deployment,
  Environment,
} from '@internal/backstage-plugin-environments-common';
import { ReactNode, useEffect, useRef } from 'react';
import {
  isSettled,
  useDeploymentProgress,
} from '../../hooks/useDeploymentProgress';
import { EnvironmentEvents } from '../EnvironmentEvents';
import { entityName, formatDateTime, formatElapsed } from '../format';
import {
  DeploymentStateBadge,
  deploymentStateLabel,
} from '../DeploymentStateBadge';
import { RolloutPods } from './RolloutPods';

/** What a screen reader hears as the rollout moves on. */
function announcement(deployment: Deployment): string {
  const what = `Deployment ${deployment.sequence} of ${deployment.version}`;
  const state = deploymentStateLabel(deployment.state).toLocaleLowerCase(
    'en-US',
  );
  return deployment.reason
    ? `${what}: ${state}. ${deployment.reason}`
    : `${what}: ${state}`;
}

function Step(props: { title: string; at?: string; children?: ReactNode }) {
  return (
    <li>
      <Text weight="bold" variant="body-small">
        {props.title}
      </Text>
      {props.at && (
        <Text variant="body-small" color="secondary">
          {' '}
          {formatDateTime(props.at)}
        </Text>
      )}
      {props.children && <div>{props.children}</div>}
    </li>
  );
}

/**
 * A deployment's rollout, live, from the answer to the deploy until it
 * succeeds or fails: its steps with their times, the pods coming up, and on
 * failure the deployment's reason and the namespace's events with the hints
 * the events list gives.
 */
export function DeploymentProgress(props: {
  deployment: Deployment;
  /** The environment, live: the events are read again when it changes. */
  environment: Environment;
}) {
  const { environment } = props;
  const { deployment, error, pods } = useDeploymentProgress(props.deployment);
  const settled = isSettled(deployment.state);
  const failed = ['failed', 'rejected', 'expired'].includes(deployment.state);
  const { approval } = deployment;
  // The form, and the Deploy button with the focus, made way for this.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  return (
    <Card>
      <CardHeader>
        <Flex justify="between" align="center">
          <Text as="h2" variant="title-small" ref={heading} tabIndex={-1}>
            Deployment {deployment.sequence}: {deployment.version}
          </Text>
          <span aria-label="Deployment state">
            <DeploymentStateBadge state={deployment.state} />
          </span>
        </Flex>
      </CardHeader>
      <CardBody>
        <Flex direction="column" gap="4">
          <VisuallyHidden aria-live="polite" role="status">
            {announcement(deployment)}
          </VisuallyHidden>
          <ol aria-label="Rollout" style={{ margin: 0, paddingLeft: 20 }}>
            <Step
              title={`Requested by ${entityName(deployment.createdBy)}`}
              at={deployment.createdAt}
            >
              <Text variant="body-small">
                {deployment.message} ({deployment.config.image})
              </Text>
            </Step>
            {approval && (
              <Step
                title={
                  approval.decision
                    ? `${
                        approval.decision.outcome === 'approved'
                          ? 'Approved'
                          : 'Rejected'
                      } by ${entityName(approval.decision.by)}`
                    : `Waiting for approval by ${approval.groups
                        .map(entityName)
                        .join(', ')}`
                }
                at={approval.decision?.at}
              >
                {approval.decision && (
                  <Text variant="body-small">
                    “{approval.decision.comment}”
                  </Text>
                )}
              </Step>
            )}
            {deployment.startedAt && (
              <Step title="Rolling out" at={deployment.startedAt} />
            )}
            {settled && (
              <Step
                title={`${deploymentStateLabel(deployment.state)}${
                  deployment.finishedAt
                    ? ` (${formatElapsed(
                        deployment.startedAt ?? deployment.createdAt,
                        deployment.finishedAt,
                      )})`
                    : ''
                }`}
                at={deployment.finishedAt ?? deployment.updatedAt}
              />
            )}
          </ol>
          {error && (
            <Alert
              status="warning"
              title="Could not read the deployment again"
              description={error.message}
            />
          )}
          {failed && deployment.reason && (
            <section aria-label="Why it failed">
              <Alert
                status="danger"
                title={`Deployment ${
                  deployment.sequence
                } ${deploymentStateLabel(deployment.state).toLocaleLowerCase(
                  'en-US',
                )}`}
                description={deployment.reason}
              />
            </section>
          )}
          {deployment.state !== 'pending-approval' && (
            <Flex direction="column" gap="2">
              <Text as="h3" variant="body-medium" weight="bold">
                Pods
              </Text>
              {pods.error && (
                <Alert
                  status="warning"
                  title="Could not read the pods"
                  description={pods.error.message}
                />
              )}
              <RolloutPods
                pods={pods.pods ?? []}
                image={deployment.config.image}
              />
            </Flex>
          )}
          {(deployment.state === 'rolling-out' || failed) && (
            <Flex direction="column" gap="2">
              <Text as="h3" variant="body-medium" weight="bold">
                Events
              </Text>
              {/* The namespace's whole history of events: it scrolls, not the page (Chromium makes such a scroller keyboard-focusable). */}
              <div
                role="region"
                aria-label="Events of the namespace"
                style={{ maxHeight: 480, overflowY: 'auto' }}
              >
                <EnvironmentEvents environment={environment} />
              </div>
            </Flex>
          )}
        </Flex>
      </CardBody>
    </Card>
  );
}
