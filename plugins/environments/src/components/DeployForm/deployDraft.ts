import {
  ConfigLayerValues,
  configIssues,
  configLayerValuesSchema,
  deployRequestSchema,
  DeployRequest,
  EnvironmentTypeDescription,
  parseWithIssues,
  ResolvedConfig,
  resolveDeploymentConfig,
  ValidationIssue,
} from '@internal/backstage-plugin-environments-common';

// The deploy form edits the environment's override layer, the only layer a
// deployment changes. Its draft is that layer as text fields; the request is
// the difference between the draft and the override layer the server
// resolved (`GET /environments/{id}/configuration`), with `null` for an
// override the user removed, as the API expects.

/** One environment variable the environment overrides. */
export type EnvOverrideDraft = { key: number; name: string; value: string };

/** The deploy form as typed: every field a string, `''` for no override. */
export type DeployDraft = {
  /** The image without its tag or digest, e.g. `ghcr.io/acme/orders`. */
  repository: string;
  tag: string;
  replicas: string;
  cpu: string;
  memory: string;
  env: EnvOverrideDraft[];
  message: string;
};

/** `ghcr.io/acme/orders` of `ghcr.io/acme/orders:1.4.2@sha256:…`. */
export function imageRepository(image: string): string {
  const [withoutDigest] = image.split('@');
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon >= 0 ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** The tag of an image reference, `''` when it names none. */
export function imageTag(image: string): string {
  const repository = imageRepository(image);
  const [withoutDigest] = image.split('@');
  return withoutDigest.slice(repository.length + 1);
}

/** The draft of a configuration: its image, and its override layer. */
export function draftFrom(configuration: ResolvedConfig): DeployDraft {
  const { config, layers } = configuration;
  const override = layers.override;
  return {
    repository: imageRepository(config.image),
    tag: imageTag(config.image),
    replicas: override.replicas?.toString() ?? '',
    cpu: override.resources?.cpu ?? '',
    memory: override.resources?.memory ?? '',
    env: Object.entries(override.env ?? {}).map(([name, value], key) => ({
      key,
      name,
      value,
    })),
    message: '',
  };
}

/** The image the draft names: its repository with its tag. */
export function draftImage(draft: DeployDraft): string {
  const repository = draft.repository.trim();
  const tag = draft.tag.trim();
  return tag ? `${repository}:${tag}` : repository;
}

const WHOLE_NUMBER = /^-?\d+$/;

/** Replicas as typed: no override, a number, or text that is none. */
function replicasOf(text: string): number | undefined | 'invalid' {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return WHOLE_NUMBER.test(trimmed) ? Number(trimmed) : 'invalid';
}

/** The override layer as the draft holds it. */
export function draftOverride(
  draft: DeployDraft,
  configuration: ResolvedConfig,
): ConfigLayerValues {
  const { override } = configuration.layers;
  const next: ConfigLayerValues = { ...override };
  const image = draftImage(draft);
  if (image !== configuration.config.image) next.image = image;
  const replicas = replicasOf(draft.replicas);
  if (typeof replicas === 'number') next.replicas = replicas;
  else delete next.replicas;
  const resources = {
    ...(draft.cpu.trim() && { cpu: draft.cpu.trim() }),
    ...(draft.memory.trim() && { memory: draft.memory.trim() }),
  };
  if (Object.keys(resources).length > 0) next.resources = resources;
  else delete next.resources;
  const env = Object.fromEntries(
    draft.env
      .filter(row => row.name.trim())
      .map(row => [row.name.trim(), row.value]),
  );
  if (Object.keys(env).length > 0) next.env = env;
  else delete next.env;
  return next;
}

/**
 * The request that turns the environment's override layer into the draft:
 * only what changed, `null` for each override the draft removed, and the
 * image as a new `tag` when only the tag changed (the API retags what runs).
 */
export function toDeployRequest(
  draft: DeployDraft,
  configuration: ResolvedConfig,
): DeployRequest {
  const { override } = configuration.layers;
  const running = configuration.config.image;
  const request: DeployRequest = { source: 'ui' };

  const image = draftImage(draft);
  if (image !== running) {
    if (draft.repository.trim() === imageRepository(running)) {
      request.tag = draft.tag.trim();
    } else {
      request.image = image;
    }
  }

  const replicas = replicasOf(draft.replicas);
  if (replicas === undefined) {
    if (override.replicas !== undefined) request.replicas = null;
  } else if (replicas !== 'invalid' && replicas !== override.replicas) {
    request.replicas = replicas;
  }

  const resources: NonNullable<DeployRequest['resources']> = {};
  for (const kind of ['cpu', 'memory'] as const) {
    const value = draft[kind].trim();
    const was = override.resources?.[kind];
    if (value === '' && was !== undefined) resources[kind] = null;
    else if (value !== '' && value !== was) resources[kind] = value;
  }
  if (Object.keys(resources).length > 0) request.resources = resources;

  const env: Record<string, string | null> = {};
  const named = new Map(
    draft.env
      .filter(row => row.name.trim())
      .map(row => [row.name.trim(), row.value]),
  );
  for (const name of Object.keys(override.env ?? {})) {
    if (!named.has(name)) env[name] = null;
  }
  for (const [name, value] of named) {
    if (override.env?.[name] !== value) env[name] = value;
  }
  if (Object.keys(env).length > 0) request.env = env;

  if (draft.message.trim()) request.message = draft.message.trim();
  return request;
}

/** What the form checks of a draft row that no request can carry. */
function envRowIssues(draft: DeployDraft): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const row of draft.env) {
    const name = row.name.trim();
    if (!name) {
      issues.push({ field: `envRow.${row.key}`, rule: 'must not be empty' });
    } else if (seen.has(name)) {
      issues.push({ field: `env.${name}`, rule: 'is set twice' });
    }
    seen.add(name);
  }
  return issues;
}

/**
 * Every problem of a draft, found as the API finds them: the request with
 * `deployRequestSchema`, the override layer with `configLayerValuesSchema`,
 * then the resolved configuration against the type's bounds with
 * `configIssues`.
 */
export function validateDeployDraft(
  draft: DeployDraft,
  configuration: ResolvedConfig,
  type: EnvironmentTypeDescription | undefined,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [...envRowIssues(draft)];
  if (replicasOf(draft.replicas) === 'invalid') {
    issues.push({ field: 'replicas', rule: 'must be a whole number' });
  }
  const request = parseWithIssues(
    deployRequestSchema,
    toDeployRequest(draft, configuration),
  );
  if (!request.success) issues.push(...request.issues);
  const override = draftOverride(draft, configuration);
  const layer = parseWithIssues(configLayerValuesSchema, override);
  if (!layer.success) issues.push(...layer.issues);
  const resolved = resolveDeploymentConfig({
    ...configuration.layers,
    override,
  });
  if (!resolved.ok) issues.push(...resolved.issues);
  else if (type) {
    issues.push(...configIssues(resolved.resolved.config, type, type.name));
  }
  // The request and the layer find the same bad image or variable twice.
  const unique = new Map(
    issues.map(issue => [`${issue.field}\n${issue.rule}`, issue]),
  );
  return [...unique.values()];
}

/** What the draft would run with, and the layer of each value, if it resolves. */
export function resolveDraft(
  draft: DeployDraft,
  configuration: ResolvedConfig,
): ResolvedConfig {
  const result = resolveDeploymentConfig({
    ...configuration.layers,
    override: draftOverride(draft, configuration),
  });
  return result.ok ? result.resolved : configuration;
}
