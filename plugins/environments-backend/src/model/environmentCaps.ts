import { ConflictError } from '@backstage/errors';

/**
 * The caps a type puts on live environments (`maxEnvironments`): live means
 * neither deleted nor being deleted, since a delete is final once accepted.
 */
export type EnvironmentCaps = {
  perComponent?: number;
  perTeam?: number;
};

/** One cap of a new environment, as the store checks it. */
export type EnvironmentCapCheck = {
  cap: keyof EnvironmentCaps;
  max: number;
  /** Which column the cap counts over. */
  scope: 'componentRef' | 'ownerRef';
  holder: string;
};

/** The caps that apply to a new environment, in a stable (lock) order. */
export function environmentCapChecks(
  caps: EnvironmentCaps | undefined,
  environment: { componentRef: string; ownerRef: string },
): EnvironmentCapCheck[] {
  const checks: EnvironmentCapCheck[] = [];
  if (caps?.perComponent !== undefined) {
    checks.push({
      cap: 'perComponent',
      max: caps.perComponent,
      scope: 'componentRef',
      holder: environment.componentRef,
    });
  }
  if (caps?.perTeam !== undefined) {
    checks.push({
      cap: 'perTeam',
      max: caps.perTeam,
      scope: 'ownerRef',
      holder: environment.ownerRef,
    });
  }
  return checks;
}

/** The 409 for a reached cap, naming the cap, the holder and the count. */
export function environmentCapReached(
  typeName: string,
  check: EnvironmentCapCheck,
  live: number,
): ConflictError {
  const per = check.cap === 'perComponent' ? 'component' : 'team';
  return new ConflictError(
    `Type ${typeName} allows at most ${check.max} live environments per ${per} (maxEnvironments.${check.cap}), and ${per} ${check.holder} has ${live}: delete one of them first`,
  );
}
