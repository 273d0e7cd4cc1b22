import { Progress } from '@backstage/core-components';
import {
  useApi,
  useRouteRef,
  useRouteRefParams,
} from '@backstage/frontend-plugin-api';
import {
  Alert,
  Button,
  ButtonLink,
  Container,
  Flex,
  Header,
} from '@backstage/ui';
import {
  Deployment,
  DeployRequest,
} from '@internal/backstage-plugin-environments-common';
import { ReactNode, useCallback, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';
import { useConfiguration } from '../../hooks/useConfiguration';
import { useDeployVersions } from '../../hooks/useDeployVersions';
import { useLiveEnvironment } from '../../hooks/useLiveEnvironment';
import { deployRouteRef, environmentRouteRef } from '../../routes';
import { entityName } from '../format';
import { PolicyMessages } from '../Policy';
import { DeployForm } from './DeployForm';
import { DeploymentProgress } from './DeploymentProgress';

/**
 * `/environments/:id/deploy`: the deploy form of one environment, then the
 * rollout of what it deployed, live, until it succeeds or fails.
 */
export function DeployPage() {
  const { id } = useRouteRefParams(deployRouteRef);
  const api = useApi(environmentsApiRef);
  const navigate = useNavigate();
  const environmentLink = useRouteRef(environmentRouteRef);
  const { environment, error } = useLiveEnvironment(id);
  const [deployment, setDeployment] = useState<Deployment>();
  // A new form after each deploy, read from the configuration it made.
  const [round, setRound] = useState(0);
  const configuration = useConfiguration(id, String(round));
  const { versions, pin } = useDeployVersions(
    environment?.id,
    environment?.componentRef,
    String(round),
  );
  const types = useAsync(async () => (await api.listTypes()).items, [api]);
  const type = types.value?.find(t => t.name === environment?.type);
  const failure = error ?? configuration.error ?? types.error;
  const environmentHref = environmentLink?.({ id });
  const evaluatePolicy = useCallback(
    (request: DeployRequest) =>
      api.evaluatePolicy({
        action: 'deployment.deploy',
        environmentId: id,
        request,
      }),
    [api, id],
  );

  if (failure) {
    return (
      <Container>
        <Alert
          status="danger"
          title="Could not load the environment's configuration"
          description={failure.message}
        />
      </Container>
    );
  }
  if (!environment || !configuration.configuration || types.loading) {
    return <Progress />;
  }

  let body: ReactNode;
  if (deployment) {
    body = (
      <Flex direction="column" gap="4">
        <PolicyMessages
          when="after"
          subject="deployment"
          warn={deployment.policy?.warnings}
        />
        <DeploymentProgress deployment={deployment} environment={environment} />
        <div>
          <Button
            variant="secondary"
            onPress={() => {
              setDeployment(undefined);
              setRound(n => n + 1);
            }}
          >
            Deploy another version
          </Button>
        </div>
      </Flex>
    );
  } else if (configuration.loading) {
    body = <Progress />;
  } else {
    body = (
      <DeployForm
        key={round}
        environmentName={environment.name}
        configuration={configuration.configuration}
        type={type}
        versions={versions}
        pin={pin}
        onSubmit={request => api.deploy(environment.id, request)}
        onDeployed={setDeployment}
        onEvaluatePolicy={evaluatePolicy}
        onCancel={environmentHref ? () => navigate(environmentHref) : undefined}
      />
    );
  }

  return (
    <>
      <Header
        title={`Deploy ${entityName(environment.componentRef)} to ${
          environment.name
        }`}
        customActions={
          environmentHref && (
            <ButtonLink variant="secondary" href={environmentHref}>
              Back to {environment.name}
            </ButtonLink>
          )
        }
      />
      <Container>{body}</Container>
    </>
  );
}
