import { ConfigSources } from '@backstage/config-loader';
import { JsonObject } from '@backstage/types';
import path from 'node:path';

// Test helpers always run from source, where __dirname is reliable.
// eslint-disable-next-line no-restricted-syntax
export const repoRoot = path.resolve(__dirname, '../../../..');

/** Loads the repo's app-config files the way the backend does, without env overrides. */
export async function loadAppConfig(...files: string[]): Promise<JsonObject> {
  const source = ConfigSources.default({
    argv: files.flatMap(f => ['--config', path.join(repoRoot, f)]),
    remote: undefined,
    substitutionFunc: async name => process.env[name] ?? undefined,
  });
  const config = await ConfigSources.toConfig(source);
  return config.get() as JsonObject;
}

/**
 * The local app-config with catalog file locations made absolute: the backend resolves
 * them against its working directory, which differs between `yarn start` and jest.
 */
export async function localConfigWithAbsoluteLocations(): Promise<JsonObject> {
  const config = (await loadAppConfig('app-config.yaml')) as any;
  for (const location of config.catalog.locations) {
    location.target = path.resolve(
      repoRoot,
      'packages/backend',
      location.target,
    );
  }
  return config;
}
