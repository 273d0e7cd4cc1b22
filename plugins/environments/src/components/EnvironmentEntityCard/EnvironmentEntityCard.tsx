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
import { EnvironmentStatus } from '@internal/backstage-plugin-environments-common';
import { useLiveEnvironment } from '../../hooks/useLiveEnvironment';
import { environmentRouteRef } from '../../routes';
import { Fact, FactList } from '../FactList';
import { formatDateTime } from '../format';
import { StatusBadge } from '../StatusBadge';

/** The annotations the catalog module writes on an environment's entity. */
export const ANNOTATIONS = {
  id: 'environments.idp.dev/id',
  status: 'environments.idp.dev/status',
  statusReason: 'environments.idp.dev/status-reason',
  type: 'environments.idp.dev/type',
  expiresAt: 'environments.idp.dev/expires-at',
  namespace: 'backstage.io/kubernetes-namespace',
} as const;

/**
 * The card on an environment's catalog entity (kind Resource, type
 * environment): its status, live once the environment is loaded and as the
 * catalog last saw it before, and where to look next.
 */
export function EnvironmentEntityCard() {
  const { entity } = useEntity();
  const annotations = entity.metadata.annotations ?? {};
  const id = annotations[ANNOTATIONS.id] ?? '';
  const { environment } = useLiveEnvironment(id);
  const environmentLink = useRouteRef(environmentRouteRef);
  const entityLink = useEntityRefLink();

  const status = (environment?.status ?? annotations[ANNOTATIONS.status]) as
    | EnvironmentStatus
    | undefined;
  const reason = environment
    ? environment.reason
    : annotations[ANNOTATIONS.statusReason];
  const expiresAt = environment
    ? environment.expiresAt
    : annotations[ANNOTATIONS.expiresAt];
  const componentRef =
    environment?.componentRef ??
    (entity.spec?.dependencyOf as string[] | undefined)?.[0];

  const facts: Fact[] = [
    ['Status', status ? <StatusBadge status={status} /> : 'Unknown'],
    ...(reason ? [['Why', reason] as Fact] : []),
    ['Type', environment?.type ?? annotations[ANNOTATIONS.type] ?? ''],
    [
      'Component',
      componentRef ? (
        <EntityRefLink entityRef={componentRef} defaultKind="component" />
      ) : (
        ''
      ),
    ],
    ['Namespace', annotations[ANNOTATIONS.namespace] ?? entity.metadata.name],
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
          <Link href={`${entityLink(entity)}/kubernetes`}>Kubernetes</Link>
        </Flex>
      </CardFooter>
    </Card>
  );
}
