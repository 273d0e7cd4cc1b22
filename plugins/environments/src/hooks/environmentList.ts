import { Environment } from '@internal/backstage-plugin-environments-common';
import { newer } from './newer';

/**
 * A fresh listing, keeping any environment of which a newer version was
 * fetched after a signal while the listing was on its way.
 */
export function mergeListing(
  current: Environment[] | undefined,
  listed: Environment[],
): Environment[] {
  const known = new Map(
    current?.map(environment => [environment.id, environment]),
  );
  return listed.map(environment =>
    newer(known.get(environment.id), environment),
  );
}

/** The list after a change was fetched: replaced in place, or left out once deleted. */
export function applyChange(
  current: Environment[],
  changed: Environment,
): Environment[] {
  if (changed.status === 'deleted') {
    return withoutEnvironment(current, changed.id);
  }
  return current.map(environment =>
    environment.id === changed.id ? newer(environment, changed) : environment,
  );
}

/** The list without one environment, such as one the user may no longer see. */
export function withoutEnvironment(
  current: Environment[],
  id: string,
): Environment[] {
  return current.filter(environment => environment.id !== id);
}
