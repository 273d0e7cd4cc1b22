import { useRouteRef } from '@backstage/frontend-plugin-api';
import {
  EntityRefLink,
  useEntity,
  useEntityRefLink,
} from '@backstage/plugin-catalog-react';
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
  ENVIRONMENT_EXPIRES_AT_ANNOTATION,
  ENVIRONMENT_ID_ANNOTATION,
  ENVIRONMENT_STATUS_ANNOTATION,
  ENVIRONMENT_STATUS_REASON_ANNOTATION,
  ENVIRONMENT_TYPE_ANNOTATION,
  EnvironmentStatus,
} from '@internal/backstage-plugin-environments-common';
import { useDeploymentHistorySummary } from '../../hooks/useDeploymentHistorySummary';
import { useLiveEnvironment } from '../../hooks/useLiveEnvironment';
import { environmentRouteRef } from '../../routes';
import { deploymentHistoryHref } from '../DeploymentHistory';
import { DeploymentStateBadge } from '../DeploymentStateBadge';
import { deploymentLabel } from '../DeploymentDiff/deploymentLabel';
import { Fact, FactList } from '../FactList';
import { formatDateTime } from '../format';
import { StatusBadge } from '../StatusBadge';

/** Where Backstage's Kubernetes plugin looks for the environment's objects. */
const KUBERNETES_NAMESPACE_ANNOTATION = 'backstage.io/kubernetes-namespace';

/**
 * The card on an environment's catalog entity (kind Resource, type
 * environment): its status, live once the environment is loaded and as the
 * catalog last saw it before, the version that runs in it (and its pin after
 * a rollback), live, and where to look next.
 */
export function EnvironmentEntityCard() {
  const { entity } = useEntity();
  const annotations = entity.metadata.annotations ?? {};
  const id = annotations[ENVIRONMENT_ID_ANNOTATION] ?? '';
  const { environment } = useLiveEnvironment(id);
  const environmentLink = useRouteRef(environmentRouteRef);
  const entityLink = useEntityRefLink();

  const status = (environment?.status ??
    annotations[ENVIRONMENT_STATUS_ANNOTATION]) as
    | EnvironmentStatus
    | undefined;
  const reason = environment
    ? environment.reason
    : annotations[ENVIRONMENT_STATUS_REASON_ANNOTATION];
  const expiresAt = environment
    ? environment.expiresAt
    : annotations[ENVIRONMENT_EXPIRES_AT_ANNOTATION];
  const componentRef =
    environment?.componentRef ??
    (entity.spec?.dependencyOf as string[] | undefined)?.[0];
  const { summary } = useDeploymentHistorySummary(id, componentRef);
  const current = summary?.current;

  const facts: Fact[] = [
    ['Status', status ? <StatusBadge status={status} /> : 'Unknown'],
    ...(reason ? [['Why', reason] as Fact] : []),
    [
      'Version',
      current ? (
        <span style={{ display: 'inline-flex', gap: 8, alignItems: 'center' }}>
          <span>{deploymentLabel(current)}</span>
          <DeploymentStateBadge state={current.state} />
        </span>
      ) : (
        'Nothing deployed yet'
      ),
    ],
    ...(summary?.pin
      ? [['Pinned', `After a rollback: ${summary.pin.reason}`] as Fact]
      : []),
    [
      'Type',
      environment?.type ?? annotations[ENVIRONMENT_TYPE_ANNOTATION] ?? '',
    ],
    [
      'Component',
      componentRef ? (
        <EntityRefLink entityRef={componentRef} defaultKind="component" />
      ) : (
        ''
      ),
    ],
    [
      'Namespace',
      annotations[KUBERNETES_NAMESPACE_ANNOTATION] ?? entity.metadata.name,
    ],
    ['Expires', expiresAt ? formatDateTime(expiresAt) : 'Never'],
  ];

  return (
    <Card>
      <CardHeader>
        <Text as="h2" variant="title-small">
          Environment
        </Text>
      </CardHeader>
      <CardBody>
        <FactList facts={facts} />
      </CardBody>
      <CardFooter>
        <Flex gap="4">
          {id && environmentLink && (
            <Link href={environmentLink({ id })}>
              Timeline, logs and events
            </Link>
          )}
          {id && environmentLink && (
            <Link href={deploymentHistoryHref(environmentLink({ id }))}>
              Deployment history
            </Link>
          )}
          <Link href={`${entityLink(entity)}/kubernetes`}>Kubernetes</Link>
        </Flex>
      </CardFooter>
    </Card>
  );
}
