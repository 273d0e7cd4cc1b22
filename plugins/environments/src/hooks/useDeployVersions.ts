import { useApi } from '@backstage/frontend-plugin-api';
import {
  Deployment,
  EnvironmentPin,
  imageVersion,
} from '@internal/backstage-plugin-environments-common';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../api';

/** A version the deploy form offers, and where it was seen. */
export type DeployVersion = {
  image: string;
  version: string;
  /** For people: "running in staging", "deployment 4 here, failed". */
  seen: string;
};

/** How many of the environment's latest deployments to offer versions from. */
const HISTORY_LIMIT = 20;

function seenIn(deployment: Deployment, environmentId: string): string {
  return deployment.environmentId === environmentId
    ? `deployment ${deployment.sequence} here, ${deployment.state}`
    : `${deployment.state} in ${deployment.environmentName}`;
}

/**
 * The versions recently deployed to the environment and to the other
 * environments of its component, newest first, each image once: what a
 * developer most likely deploys next. Either source failing (the user may
 * not read another environment) leaves its versions out rather than the form.
 * Also says whether a rollback pinned the environment.
 */
export function useDeployVersions(
  environmentId: string | undefined,
  componentRef: string | undefined,
  /** Read again when it changes, such as after a deploy. */
  version?: string,
) {
  const api = useApi(environmentsApiRef);
  const { value, loading } = useAsync(async (): Promise<{
    versions: DeployVersion[];
    pin?: EnvironmentPin;
  }> => {
    if (!environmentId || !componentRef) return { versions: [] };
    let pin: EnvironmentPin | undefined;
    const [history, whereabouts] = await Promise.all([
      api
        .listDeployments(environmentId, { limit: HISTORY_LIMIT })
        .then(list => list.items)
        .catch(() => [] as Deployment[]),
      api
        .getWhatRunsWhere(componentRef)
        .then(where => {
          pin = where.environments.find(
            env => env.environmentId === environmentId,
          )?.pin;
          return where.environments.flatMap(env =>
            [env.current, env.promotable].filter(
              (d): d is Deployment =>
                d !== undefined && d.environmentId !== environmentId,
            ),
          );
        })
        .catch(() => [] as Deployment[]),
    ]);
    const newestFirst = [...history, ...whereabouts].sort((a, b) =>
      b.createdAt.localeCompare(a.createdAt),
    );
    const versions = new Map<string, DeployVersion>();
    for (const deployment of newestFirst) {
      const image = deployment.config.image;
      if (!versions.has(image)) {
        versions.set(image, {
          image,
          version: imageVersion(image),
          seen: seenIn(deployment, environmentId),
        });
      }
    }
    return { versions: [...versions.values()], pin };
  }, [api, environmentId, componentRef, version]);
  return { versions: value?.versions ?? [], pin: value?.pin, loading };
}
