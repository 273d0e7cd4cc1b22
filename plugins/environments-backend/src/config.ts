import {
  LoggerService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { isAbsolute, resolve } from 'node:path';
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
  policy: PolicySettings;
};

/** `environments.policy`: how requests are checked against the platform's policies. */
export type PolicySettings = {
  /** embedded: the wasm bundle in this process; server: an OPA server; off: no checks. */
  mode: 'embedded' | 'server' | 'off';
  /** The compiled bundle (absolute). */
  bundlePath: string;
  serverUrl?: string;
  /** How long one evaluation on the server may take. */
  timeoutMs: number;
  /** closed: a request is refused (503) while policies cannot be evaluated; open: it goes through, audited as `error`. */
  failureMode: 'closed' | 'open';
  /** The zone of `input.clock`, for freeze windows. */
  timeZone: string;
};

/** Where `./platform opa build` writes the bundle, relative to the repository. */
export const DEFAULT_POLICY_BUNDLE = '.local/policy/bundle.tar.gz';
const DEFAULT_POLICY_TIMEOUT: HumanDuration = { milliseconds: 2000 };

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
    policy: readPolicySettings(config),
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

function oneOf<T extends string>(
  config: Config,
  key: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = config.getOptionalString(key) ?? fallback;
  if (!allowed.includes(value as T)) {
    throw new Error(
      `${key}: must be one of ${allowed.join(', ')} (got "${value}")`,
    );
  }
  return value as T;
}

/**
 * The repository's root, which a relative `bundlePath` is resolved against:
 * the backend runs from packages/backend, scripts and tests from elsewhere.
 */
function repositoryRoot(): string {
  return resolvePackagePath(
    '@internal/backstage-plugin-environments-backend',
    '..',
    '..',
  );
}

function readPolicySettings(config: Config): PolicySettings {
  const key = 'environments.policy';
  const mode = oneOf(
    config,
    `${key}.mode`,
    ['embedded', 'server', 'off'] as const,
    'embedded',
  );
  // IDP_POLICY_BUNDLE moves the default (the tests point it away from the
  // checkout's own bundle); an explicit bundlePath wins.
  const configuredPath =
    config.getOptionalString(`${key}.bundlePath`) ??
    process.env.IDP_POLICY_BUNDLE ??
    DEFAULT_POLICY_BUNDLE;
  const serverUrl = config.getOptionalString(`${key}.serverUrl`);
  if (mode === 'server') {
    if (!serverUrl) {
      throw new Error(
        `${key}.serverUrl: is required when ${key}.mode is server (e.g. http://127.0.0.1:8181)`,
      );
    }
    if (!URL.canParse(serverUrl)) {
      throw new Error(
        `${key}.serverUrl: must be a URL such as http://127.0.0.1:8181 (got "${serverUrl}")`,
      );
    }
  }
  const timeZone = config.getOptionalString(`${key}.timeZone`) ?? 'UTC';
  try {
    Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new Error(
      `${key}.timeZone: must be an IANA time zone such as Europe/Berlin (got "${timeZone}")`,
    );
  }
  const timeoutMs = durationToMilliseconds(
    durationAt(config, `${key}.timeout`, DEFAULT_POLICY_TIMEOUT),
  );
  if (timeoutMs <= 0) {
    throw new Error(`${key}.timeout: must be longer than zero`);
  }
  return {
    mode,
    bundlePath: isAbsolute(configuredPath)
      ? configuredPath
      : resolve(repositoryRoot(), configuredPath),
    ...(serverUrl && { serverUrl }),
    timeoutMs,
    failureMode: oneOf(
      config,
      `${key}.failureMode`,
      ['closed', 'open'] as const,
      'closed',
    ),
    timeZone,
  };
}
