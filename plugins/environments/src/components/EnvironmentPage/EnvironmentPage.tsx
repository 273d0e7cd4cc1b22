import { Progress } from '@backstage/core-components';
import { useRouteRefParams } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  Alert,
  Card,
  CardBody,
  CardHeader,
  Container,
  Flex,
  Grid,
  Header,
  Link,
  Tab,
  TabList,
  TabPanel,
  Tabs,
  Text,
} from '@backstage/ui';
import { Environment } from '@internal/backstage-plugin-environments-common';
import { useLocation, useSearchParams } from 'react-router-dom';
import { useLiveEnvironment } from '../../hooks/useLiveEnvironment';
import { environmentRouteRef } from '../../routes';
import { AuditTrail } from './AuditTrail';
import {
  DEPLOYMENT_HISTORY_TAB,
  DeploymentHistory,
} from '../DeploymentHistory';
import { EnvironmentActions } from '../EnvironmentActions';
import { EnvironmentEvents } from '../EnvironmentEvents';
import {
  EnvironmentTimeline,
  environmentStatusId,
} from './EnvironmentTimeline';
import { Fact, FactList, useKubernetesViewLink } from '../FactList';
import { PolicyMessages } from '../Policy';
import { entityName, formatDateTime } from '../format';
import { PodLogs } from '../PodLogs';
import { StatusBadge } from '../StatusBadge';
import { useAuditTrail } from './useAuditTrail';
import { useStatusHistory } from './useStatusHistory';

function Facts(props: { environment: Environment }) {
  const { environment } = props;
  const kubernetesViewLink = useKubernetesViewLink();
  const facts: Fact[] = [
    ['Status', <StatusBadge status={environment.status} />],
    [
      'Component',
      <EntityRefLink
        entityRef={environment.componentRef}
        defaultKind="component"
      />,
    ],
    [
      'Owner',
      <EntityRefLink entityRef={environment.ownerRef} defaultKind="group" />,
    ],
    ['Type', environment.type],
    ['Namespace', environment.namespace],
    [
      'Requested',
      `${formatDateTime(environment.createdAt)} by ${entityName(
        environment.createdBy,
      )}`,
    ],
    [
      'Expires',
      environment.expiresAt ? formatDateTime(environment.expiresAt) : 'Never',
    ],
  ];
  return (
    <Flex direction="column" gap="2">
      <FactList facts={facts} />
      {environment.status !== 'deleted' && (
        <Link href={kubernetesViewLink(environment.namespace)}>
          Kubernetes view of {environment.namespace}
        </Link>
      )}
    </Flex>
  );
}

/**
 * `/environments/:id`: one environment, live. Its timeline and audit trail,
 * and the logs and events of what runs in it.
 */
export function EnvironmentPage() {
  const { id } = useRouteRefParams(environmentRouteRef);
  const location = useLocation();
  const initial = (location.state as { environment?: Environment } | null)
    ?.environment;
  const { environment, error } = useLiveEnvironment(id, initial);
  const audit = useAuditTrail(id, environment?.updatedAt);
  const history = useStatusHistory(id, environment?.updatedAt);
  // The tab is in the address, so that a link can open the deployments.
  const [searchParams, setSearchParams] = useSearchParams();

  if (error) {
    return (
      <Container>
        <Alert
          status="danger"
          title="Could not load the environment"
          description={error.message}
        />
      </Container>
    );
  }
  if (!environment) {
    return <Progress />;
  }

  return (
    <>
      <Header
        title={`${entityName(environment.componentRef)} · ${environment.name}`}
        customActions={
          <EnvironmentActions
            environment={environment}
            onGone={() =>
              document
                .getElementById(environmentStatusId(environment.id))
                ?.focus()
            }
          />
        }
      />
      <Container>
        {/* The request's answer, when the form sent us here: its warnings. */}
        <PolicyMessages
          when="after"
          subject="request"
          warn={initial?.policy?.warnings}
        />
        <Tabs
          selectedKey={searchParams.get('tab') ?? 'overview'}
          onSelectionChange={key =>
            setSearchParams({ tab: String(key) }, { replace: true })
          }
        >
          <TabList aria-label="Environment">
            <Tab id="overview">Overview</Tab>
            <Tab id={DEPLOYMENT_HISTORY_TAB}>Deployments</Tab>
            <Tab id="logs">Logs and events</Tab>
          </TabList>
          <TabPanel id="overview">
            <Grid.Root columns={{ initial: '1', md: '2' }} gap="4" pt="4">
              <Card>
                <CardHeader>
                  <Text as="h2" variant="title-small">
                    Timeline
                  </Text>
                </CardHeader>
                <CardBody>
                  <EnvironmentTimeline
                    environment={environment}
                    transitions={history.transitions ?? []}
                    audit={audit.events ?? []}
                  />
                </CardBody>
              </Card>
              <Flex direction="column" gap="4">
                <Card>
                  <CardHeader>
                    <Text as="h2" variant="title-small">
                      About
                    </Text>
                  </CardHeader>
                  <CardBody>
                    <Facts environment={environment} />
                  </CardBody>
                </Card>
                <Card>
                  <CardHeader>
                    <Text as="h2" variant="title-small">
                      Audit trail
                    </Text>
                  </CardHeader>
                  <CardBody>
                    {audit.error ? (
                      <Alert
                        status="danger"
                        title="Could not load the audit trail"
                        description={audit.error.message}
                      />
                    ) : (
                      <AuditTrail events={audit.events} />
                    )}
                  </CardBody>
                </Card>
              </Flex>
            </Grid.Root>
          </TabPanel>
          <TabPanel id={DEPLOYMENT_HISTORY_TAB}>
            <Card style={{ marginTop: 'var(--bui-space-4)' }}>
              <CardBody>
                <DeploymentHistory environment={environment} />
              </CardBody>
            </Card>
          </TabPanel>
          <TabPanel id="logs">
            <Grid.Root columns={{ initial: '1', lg: '3' }} gap="4" pt="4">
              <Grid.Item colSpan={{ initial: '1', lg: '2' }}>
                <Card>
                  <CardHeader>
                    <Text as="h2" variant="title-small">
                      Logs
                    </Text>
                  </CardHeader>
                  <CardBody>
                    <PodLogs environment={environment} />
                  </CardBody>
                </Card>
              </Grid.Item>
              <Card>
                <CardHeader>
                  <Text as="h2" variant="title-small">
                    Events
                  </Text>
                </CardHeader>
                <CardBody>
                  <EnvironmentEvents environment={environment} />
                </CardBody>
              </Card>
            </Grid.Root>
          </TabPanel>
        </Tabs>
      </Container>
    </>
  );
}
