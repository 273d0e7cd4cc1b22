import { ConflictError } from '@backstage/errors';
import { EnvironmentType } from '@internal/backstage-plugin-environments-common';
import { EnvironmentsStore } from '../model';

/**
 * Refuses a new environment (`ConflictError`, 409) when its type caps the
 * live environments of one component or one team (`maxEnvironments`) and the
 * cap is reached. Live means not deleted and not being deleted: a delete is
 * final once accepted, so its environment no longer counts.
 */
export async function assertWithinEnvironmentCaps(
  store: Pick<EnvironmentsStore, 'listEnvironments'>,
  request: {
    typeName: string;
    type: EnvironmentType | undefined;
    componentRef: string;
    ownerRef: string;
  },
): Promise<void> {
  const caps = request.type?.maxEnvironments;
  if (!caps) return;
  const { typeName, componentRef, ownerRef } = request;
  const checks = [
    {
      cap: 'perComponent',
      max: caps.perComponent,
      filter: { componentRef },
      holder: `component ${componentRef}`,
    },
    {
      cap: 'perTeam',
      max: caps.perTeam,
      filter: { ownerRef },
      holder: `team ${ownerRef}`,
    },
  ];
  for (const { cap, max, filter, holder } of checks) {
    if (max === undefined) continue;
    const live = (
      await store.listEnvironments({ ...filter, type: typeName })
    ).filter(environment => environment.status !== 'deleting');
    if (live.length >= max) {
      throw new ConflictError(
        `Type ${typeName} allows at most ${max} live environments per ${
          cap === 'perComponent' ? 'component' : 'team'
        } (maxEnvironments.${cap}), and ${holder} has ${
          live.length
        }: delete one of them first`,
      );
    }
  }
}
