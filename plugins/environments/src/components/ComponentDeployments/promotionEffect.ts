import {
  ConfigChange,
  Deployment,
} from '@internal/backstage-plugin-environments-common';

/**
 * What a promotion does with one value that differs between the target's
 * current deployment and the source: `brought` from the source, `kept` as
 * the target has it, or `reset` to the target's own baseline (or default).
 *
 * The backend's promotion takes the source's image and component layer,
 * under the target's own baseline and overrides (README, "Promotion"); the
 * layer each value came from (`origins`) says which of the three applies.
 */
export type PromotionEffect = 'brought' | 'kept' | 'reset';

export function promotionEffect(
  path: string,
  source: Pick<Deployment, 'origins'>,
  target: Pick<Deployment, 'origins'>,
): PromotionEffect {
  if (path === 'image') return 'brought';
  // The target's overrides carry forward and win over the component layer.
  if (target.origins[path] === 'override') return 'kept';
  if (source.origins[path] === 'component') return 'brought';
  // The target ran a component default that the source's component layer
  // no longer has: what applies is the target's baseline, or the default.
  if (target.origins[path] === 'component') return 'reset';
  // From the baselines of both (or the defaults): the target keeps its own.
  return 'kept';
}

/** The changes a promotion brings, and those it does not, in the diff's order. */
export function splitByEffect(
  changes: ReadonlyArray<ConfigChange>,
  source: Pick<Deployment, 'origins'>,
  target: Pick<Deployment, 'origins'>,
): Record<PromotionEffect, ConfigChange[]> {
  const split: Record<PromotionEffect, ConfigChange[]> = {
    brought: [],
    kept: [],
    reset: [],
  };
  for (const change of changes) {
    split[promotionEffect(change.path, source, target)].push(change);
  }
  return split;
}
