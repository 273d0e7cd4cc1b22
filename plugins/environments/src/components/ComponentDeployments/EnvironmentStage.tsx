import { useRouteRef } from '@backstage/frontend-plugin-api';
import {
  Card,
  CardBody,
  CardFooter,
  CardHeader,
  Flex,
  Link,
  Text,
} from '@backstage/ui';
import {
  Deployment,
  EnvironmentDeployments,
} from '@internal/backstage-plugin-environments-common';
import { environmentRouteRef, requestEnvironmentRouteRef } from '../../routes';
import { deploymentHistoryHref } from '../DeploymentHistory/historyTab';
import { PinNotice } from '../DeploymentHistory/PinNotice';
import { formatDateTime } from '../format';
import { formatAge } from './deploymentAge';
import { DeployedBy } from './DeployedBy';
import { DeploymentStateBadge } from '../DeploymentStateBadge';
import { ApprovalMarker } from './StageMarkers';

const STAGE_WIDTH = 260;

const headingId = (name: string) => `deployments-stage-${name}`;

/** How the deployment came about, when it was not a plain deploy. */
function origin(deployment: Deployment): string {
  if (deployment.kind === 'promotion' && deployment.promotedFrom) {
    return ` · promoted from ${deployment.promotedFrom.environmentName}`;
  }
  if (deployment.kind === 'rollback') return ' · a rollback';
  return '';
}

function CurrentDeployment(props: { current: Deployment; now: number }) {
  const { current, now } = props;
  // While it rolls out the reason says what it waits for; once failed, why.
  const showReason =
    current.reason &&
    (current.state === 'rolling-out' || current.state === 'failed');
  return (
    <Flex direction="column" gap="1">
      <Flex align="center" gap="3" justify="between">
        <Text as="p" variant="title-x-small" weight="bold">
          {current.version}
        </Text>
        <DeploymentStateBadge state={current.state} />
      </Flex>
      <Text as="p" variant="body-small" color="secondary">
        Deployed{' '}
        <time
          dateTime={current.createdAt}
          title={formatDateTime(current.createdAt)}
        >
          {formatAge(current.createdAt, now)}
        </time>{' '}
        by <DeployedBy createdBy={current.createdBy} />
        {origin(current)}
      </Text>
      {showReason && (
        <Text
          as="p"
          variant="body-small"
          color={current.state === 'failed' ? 'danger' : 'secondary'}
        >
          {current.reason}
        </Text>
      )}
    </Flex>
  );
}

/** One environment of the promotion path: what runs there, and since when. */
export function EnvironmentStage(props: {
  environment: EnvironmentDeployments;
  now: number;
}) {
  const { environment, now } = props;
  const environmentLink = useRouteRef(environmentRouteRef);
  const name = environment.environmentName;
  return (
    <Card
      role="region"
      aria-labelledby={headingId(name)}
      style={{ width: STAGE_WIDTH, flexShrink: 0 }}
    >
      <CardHeader>
        <Flex direction="column" gap="0">
          <Text as="h3" variant="title-x-small" id={headingId(name)}>
            {name}
          </Text>
          <Text variant="body-x-small" color="secondary">
            type {environment.type}
          </Text>
        </Flex>
      </CardHeader>
      <CardBody>
        <Flex direction="column" gap="3">
          {environment.current ? (
            <CurrentDeployment current={environment.current} now={now} />
          ) : (
            <Text as="p" variant="body-small" color="secondary">
              Nothing deployed yet.
            </Text>
          )}
          {environment.pin && <PinNotice pin={environment.pin} />}
          {environment.pending && (
            <ApprovalMarker pending={environment.pending} now={now} />
          )}
        </Flex>
      </CardBody>
      {environmentLink && (
        <CardFooter>
          <Link
            href={deploymentHistoryHref(
              environmentLink({ id: environment.environmentId }),
            )}
            aria-label={`Deployment history of ${name}`}
          >
            Deployment history
          </Link>
        </CardFooter>
      )}
    </Card>
  );
}

/** A name on the promotion path that the component has no environment of. */
export function MissingStage(props: { name: string; componentRef: string }) {
  const { name, componentRef } = props;
  const requestLink = useRouteRef(requestEnvironmentRouteRef);
  return (
    <Card
      role="region"
      aria-labelledby={headingId(name)}
      style={{ width: STAGE_WIDTH, flexShrink: 0, opacity: 0.8 }}
    >
      <CardHeader>
        <Text as="h3" variant="title-x-small" id={headingId(name)}>
          {name}
        </Text>
      </CardHeader>
      <CardBody>
        <Text as="p" variant="body-small" color="secondary">
          No {name} environment yet.
        </Text>
      </CardBody>
      {requestLink && (
        <CardFooter>
          <Link
            href={`${requestLink()}?component=${encodeURIComponent(
              componentRef,
            )}`}
            aria-label={`Request a ${name} environment`}
          >
            Request one
          </Link>
        </CardFooter>
      )}
    </Card>
  );
}
