import {
  routeResolutionApiRef,
  useApiHolder,
  useRouteRef,
} from '@backstage/frontend-plugin-api';
import { ButtonLink } from '@backstage/ui';
import { Environment } from '@internal/backstage-plugin-environments-common';
import { RiRocketLine } from '@remixicon/react';
import { useInRouterContext } from 'react-router-dom';
import { deployRouteRef } from '../../routes';

function DeployLink(props: {
  environment: Environment;
  size: 'small' | 'medium';
}) {
  const { environment, size } = props;
  const deployLink = useRouteRef(deployRouteRef);
  if (!deployLink) return null;
  return (
    <ButtonLink
      size={size}
      variant="secondary"
      iconStart={<RiRocketLine />}
      aria-label={`Deploy to ${environment.name}`}
      href={deployLink({ id: environment.id })}
    >
      Deploy
    </ButtonLink>
  );
}

/**
 * "Deploy", a link to the environment's deploy form, beside its other
 * actions. Rendered only inside the app's routing: the actions are also
 * used where there is none, such as their own tests.
 */
export function DeployAction(props: {
  environment: Environment;
  size?: 'small' | 'medium';
}) {
  const inRouter = useInRouterContext();
  const routes = useApiHolder().get(routeResolutionApiRef);
  if (!inRouter || !routes) return null;
  return (
    <DeployLink environment={props.environment} size={props.size ?? 'medium'} />
  );
}
