import {
  Environment,
  EnvironmentStatus,
} from '@internal/backstage-plugin-environments-common';

/** What the list is narrowed to; a field left out matches everything. */
export type EnvironmentFilter = {
  owner?: string;
  component?: string;
  type?: string;
  status?: EnvironmentStatus;
};

export const FILTER_FIELDS = ['owner', 'component', 'type', 'status'] as const;

export function filterEnvironments(
  environments: Environment[],
  filter: EnvironmentFilter,
): Environment[] {
  return environments.filter(
    environment =>
      (!filter.owner || environment.ownerRef === filter.owner) &&
      (!filter.component || environment.componentRef === filter.component) &&
      (!filter.type || environment.type === filter.type) &&
      (!filter.status || environment.status === filter.status),
  );
}

/** The distinct values of one field across the list, sorted, for a picker. */
export function distinctValues(
  environments: Environment[],
  pick: (environment: Environment) => string,
): string[] {
  return [...new Set(environments.map(pick))].sort();
}
