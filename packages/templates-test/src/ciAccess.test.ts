import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ConfigSources } from '@backstage/config-loader';
import { JsonObject } from '@backstage/types';
import express from 'express';
import path from 'node:path';
import request from 'supertest';
import { repoRoot } from './__testUtils__/templates';

/** The repo's app-config files as the backend loads them, with `env` as the environment. */
async function appConfig(files: string[], env: Record<string, string> = {}) {
  const source = ConfigSources.default({
    argv: files.flatMap(f => ['--config', path.join(repoRoot, f)]),
    remote: undefined,
    substitutionFunc: async name => env[name],
  });
  const config = await ConfigSources.toConfig(source);
  config.close();
  return config.get() as JsonObject;
}

/** A plugin that answers with the principal the framework saw. */
function whoAmI(pluginId: string) {
  return createBackendPlugin({
    pluginId,
    register(reg) {
      reg.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
        },
        async init({ httpRouter, httpAuth }) {
          const router = express.Router();
          router.get('/whoami', async (req, res) => {
            const credentials = await httpAuth.credentials(req, {
              allow: ['service'],
            });
            res.json(credentials.principal);
          });
          httpRouter.use(router);
        },
      });
    },
  });
}

async function startBackend(config: JsonObject) {
  const backend = await startTestBackend({
    features: [
      whoAmI('environments'),
      whoAmI('catalog'),
      // The framework's own token checks, not the test doubles.
      authServiceFactory,
      httpAuthServiceFactory,
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  return backend;
}

describe("the golden paths' CI access", () => {
  it('reaches the environments backend, and only it, as the service principal ci', async () => {
    const config = await appConfig(['app-config.yaml']);
    const backend = await startBackend({
      backend: { auth: (config.backend as JsonObject).auth },
    });
    try {
      const asCi = 'Bearer idp-local-ci-token';

      const environments = await request(backend.server)
        .get('/api/environments/whoami')
        .set('Authorization', asCi);
      expect(environments.status).toBe(200);
      // Backstage keeps a static token's subject as configured (no
      // "external:" prefix, unlike JWKS tokens): environments.ci.subjects
      // lists "ci".
      expect(environments.body).toMatchObject({
        type: 'service',
        subject: 'ci',
      });

      const catalog = await request(backend.server)
        .get('/api/catalog/whoami')
        .set('Authorization', asCi);
      // Known, but not allowed there (accessRestrictions).
      expect(catalog.status).toBe(403);

      const wrongToken = await request(backend.server)
        .get('/api/environments/whoami')
        .set('Authorization', 'Bearer not-the-ci-token');
      expect(wrongToken.status).toBe(401);
    } finally {
      await backend.stop();
    }
  });

  it('takes the token from IDP_CI_TOKEN, with no default in production', async () => {
    const files = ['app-config.yaml', 'app-config.production.yaml'];
    const withToken = await appConfig(files, {
      IDP_CI_TOKEN: 'a-token-from-the-environment',
    });
    expect((withToken.backend as any).auth.externalAccess).toEqual([
      {
        type: 'static',
        options: { token: 'a-token-from-the-environment', subject: 'ci' },
        accessRestrictions: [{ plugin: 'environments' }],
      },
    ]);

    const withoutToken = await appConfig(files);
    expect(
      (withoutToken.backend as any).auth.externalAccess[0].options.token,
    ).toBeUndefined();
  });
});
