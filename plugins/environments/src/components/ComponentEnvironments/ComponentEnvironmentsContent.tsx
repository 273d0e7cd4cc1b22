import { stringifyEntityRef } from '@backstage/catalog-model';
import { Progress } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  Alert,
  ButtonLink,
  Card,
  CardBody,
  CardFooter,
  CardHeader,
  Flex,
  Link,
  Text,
} from '@backstage/ui';
import { Environment } from '@internal/backstage-plugin-environments-common';
import { RiAddLine } from '@remixicon/react';
import { useLiveEnvironments } from '../../hooks/useLiveEnvironments';
import { environmentRouteRef, requestEnvironmentRouteRef } from '../../routes';
import { EnvironmentActions } from '../EnvironmentActions';
import { useKubernetesViewLink } from '../FactList';
import { formatDateTime } from '../format';
import { StatusBadge } from '../StatusBadge';
import { WhatRuns } from './WhatRuns';

/** The tab's heading, where the focus goes when a card goes away under it. */
const HEADING_ID = 'component-environments-heading';
const focusHeading = () => document.getElementById(HEADING_ID)?.focus();

function EnvironmentCard(props: { environment: Environment }) {
  const { environment } = props;
  const environmentLink = useRouteRef(environmentRouteRef);
  const kubernetesViewLink = useKubernetesViewLink();
  const headingId = `environment-${environment.id}`;
  return (
    <Card aria-labelledby={headingId} role="region">
      <CardHeader>
        <Flex justify="between" align="center" gap="3">
          <Flex align="center" gap="3">
            <Text as="h3" variant="title-x-small" id={headingId}>
              {environment.name}
            </Text>
            <StatusBadge status={environment.status} />
          </Flex>
          <EnvironmentActions
            environment={environment}
            size="small"
            onGone={focusHeading}
          />
        </Flex>
      </CardHeader>
      <CardBody>
        <Flex direction="column" gap="2">
          <Text variant="body-small" color="secondary">
            {environment.type} · namespace {environment.namespace}
            {environment.expiresAt &&
              ` · expires ${formatDateTime(environment.expiresAt)}`}
          </Text>
          {environment.reason && (
            <Text
              variant="body-small"
              color={environment.status === 'failed' ? 'danger' : 'secondary'}
            >
              {environment.reason}
            </Text>
          )}
          <WhatRuns environment={environment} />
        </Flex>
      </CardBody>
      <CardFooter>
        <Flex gap="4">
          {environmentLink && (
            <Link href={environmentLink({ id: environment.id })}>
              Timeline, logs and events
            </Link>
          )}
          <Link href={kubernetesViewLink(environment.namespace)}>
            Kubernetes
          </Link>
        </Flex>
      </CardFooter>
    </Card>
  );
}

/**
 * The "Environments" tab of a component: each of its environments, live,
 * with what runs there, and the way to request, extend or tear one down.
 */
export function ComponentEnvironmentsContent() {
  const { entity } = useEntity();
  const componentRef = stringifyEntityRef(entity);
  const requestLink = useRouteRef(requestEnvironmentRouteRef);
  const { environments, error, loading } = useLiveEnvironments({
    componentRef,
  });

  return (
    <Flex direction="column" gap="4">
      <Flex justify="between" align="center">
        <Text as="h2" variant="title-small" id={HEADING_ID} tabIndex={-1}>
          Environments of {entity.metadata.title ?? entity.metadata.name}
        </Text>
        {requestLink && (
          <ButtonLink
            variant="primary"
            iconStart={<RiAddLine />}
            href={`${requestLink()}?component=${encodeURIComponent(
              componentRef,
            )}`}
          >
            Request an environment
          </ButtonLink>
        )}
      </Flex>
      {loading && <Progress />}
      {error && (
        <Alert
          status="danger"
          title="Could not load the environments"
          description={error.message}
        />
      )}
      {environments?.length === 0 && (
        <Text color="secondary">This component has no environments yet.</Text>
      )}
      {environments?.map(environment => (
        <EnvironmentCard key={environment.id} environment={environment} />
      ))}
    </Flex>
  );
}
