import { LoggerService } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { HumanDuration } from '@backstage/types';
import {
  EnvironmentType,
  parseEnvironmentTypes,
} from '@internal/backstage-plugin-environments-common';

/** The plugin's settings from app-config, validated. */
export type EnvironmentsConfig = {
  /** Environment types by name. */
  types: Record<string, EnvironmentType>;
  /** The names of the configured clusters. */
  clusterNames: string[];
  /** `environments.adminGroups`: who approves for the types that name no `approverGroups`. */
  adminGroups: string[];
  /** The image pattern of a component that declares none; the built-in default when not given. */
  defaultImagePattern?: string;
  reconciler: {
    /** Jobs each replica processes at the same time. */
    concurrency: number;
    /** How often an idle replica looks at the job queue for work no change announced. */
    pollInterval: HumanDuration;
  };
  expiry: {
    /** How often expired ephemeral environments are looked for. */
    frequency: HumanDuration;
  };
};

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_POLL_INTERVAL: HumanDuration = { seconds: 10 };
const DEFAULT_EXPIRY_FREQUENCY: HumanDuration = { seconds: 30 };

function durationAt(
  config: Config,
  key: string,
  fallback: HumanDuration,
): HumanDuration {
  if (!config.has(key)) {
    return fallback;
  }
  try {
    return readDurationFromConfig(config, { key });
  } catch (error) {
    throw new Error(
      `${key}: must be a duration such as { seconds: 30 } or "30s" (${
        (error as Error).message
      })`,
    );
  }
}

function positiveIntegerAt(
  config: Config,
  key: string,
  fallback: number,
): number {
  const value = config.getOptionalNumber(key);
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(
      `${key}: must be a whole number of at least 1 (got ${value})`,
    );
  }
  return value;
}

/**
 * Reads the `environments` settings. A mistake is the platform team's, and
 * found at start, with the key of each problem named, rather than at a
 * developer's first request.
 */
export function readEnvironmentsConfig(
  config: Config,
  { logger }: { logger: LoggerService },
): EnvironmentsConfig {
  const clusterNames = (
    config.getOptionalConfigArray('environments.clusters') ?? []
  ).map(cluster => cluster.getString('name'));
  const settings: EnvironmentsConfig = {
    types: parseEnvironmentTypes(config.getOptional('environments.types')),
    clusterNames,
    adminGroups:
      config.getOptionalStringArray('environments.adminGroups') ?? [],
    defaultImagePattern: config.getOptionalString('environments.defaultImage'),
    reconciler: {
      concurrency: positiveIntegerAt(
        config,
        'environments.reconciler.concurrency',
        DEFAULT_CONCURRENCY,
      ),
      pollInterval: durationAt(
        config,
        'environments.reconciler.pollInterval',
        DEFAULT_POLL_INTERVAL,
      ),
    },
    expiry: {
      frequency: durationAt(
        config,
        'environments.expiry.frequency',
        DEFAULT_EXPIRY_FREQUENCY,
      ),
    },
  };
  unknownClusterWarnings(settings).forEach(warning => logger.warn(warning));
  return settings;
}

/** Types that name a cluster missing from `environments.clusters`, as warnings. */
function unknownClusterWarnings({
  types,
  clusterNames,
}: EnvironmentsConfig): string[] {
  return Object.entries(types)
    .filter(([, type]) => !clusterNames.includes(type.cluster))
    .map(
      ([name, type]) =>
        `Environment type ${name} names cluster "${type.cluster}", which is not in environments.clusters; its environments stay requested until it is configured`,
    );
}
