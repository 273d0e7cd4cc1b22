import {
  Deployment,
  EnvironmentDeployments,
  WhatRunsWhere,
} from '@internal/backstage-plugin-environments-common';

/** One place on a component's promotion path. */
export type PathStage = {
  /** The environment name the path gives, such as `staging`. */
  name: string;
  /** The component's environment of that name; none when it has not got one. */
  environment?: EnvironmentDeployments;
  /**
   * What a promotion from the stage before would bring into this one: the
   * upstream's succeeded deployment whose image this one does not run.
   */
  promotable?: Deployment;
};

/**
 * The component's environments in the order of its promotion path, one
 * stage per name on the path (an environment it lacks is a stage without
 * one), then the environments off the path (previews, say) by name, as the
 * API orders them.
 */
export function promotionStages(whatRunsWhere: WhatRunsWhere): {
  stages: PathStage[];
  others: EnvironmentDeployments[];
} {
  const byName = new Map(
    whatRunsWhere.environments.map(e => [e.environmentName, e]),
  );
  const stages = whatRunsWhere.promotionPath.map((name, index) => {
    const environment = byName.get(name);
    const upstream = whatRunsWhere.promotionPath[index - 1];
    // Promotable only from the stage drawn before it: the API names the
    // upstream, and a promotion always comes from there.
    const promotable =
      environment?.promotable &&
      upstream !== undefined &&
      environment.upstream === upstream
        ? environment.promotable
        : undefined;
    return { name, environment, promotable };
  });
  const onPath = new Set(whatRunsWhere.promotionPath);
  const others = whatRunsWhere.environments.filter(
    e => !onPath.has(e.environmentName),
  );
  return { stages, others };
}
