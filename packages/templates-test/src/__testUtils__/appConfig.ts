import { Config } from '@backstage/config';
import { ConfigSources } from '@backstage/config-loader';
import {
  EnvironmentTypeDescription,
  parseEnvironmentTypes,
} from '@internal/backstage-plugin-environments-common';
import path from 'node:path';
import { repoRoot } from './templates';

/** app-config.yaml, as the backend loads it with nothing layered on top. */
export async function readAppConfig(): Promise<Config> {
  const source = ConfigSources.default({
    argv: ['--config', path.join(repoRoot, 'app-config.yaml')],
    remote: undefined,
    substitutionFunc: async name => process.env[name],
  });
  const config = await ConfigSources.toConfig(source);
  // Read once: an open config keeps watching the file.
  config.close();
  return config;
}

/**
 * The environment types of app-config.yaml as `GET /types` describes them to
 * a member of every group (`allowed`): what the templates offer must be these.
 */
export async function appConfigEnvironmentTypes(): Promise<
  EnvironmentTypeDescription[]
> {
  const config = await readAppConfig();
  const types = parseEnvironmentTypes(config.getOptional('environments.types'));
  return Object.entries(types).map(([name, type]) => ({
    ...type,
    name,
    allowed: true,
  }));
}
