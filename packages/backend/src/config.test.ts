import { loadAppConfig } from './__testUtils__/config';

describe('app-config', () => {
  it('keeps local data in SQLite files under the data folder by default', async () => {
    delete process.env.IDP_DATA_DIR;
    const config = (await loadAppConfig('app-config.yaml')) as any;
    expect(config.backend.database).toEqual({
      client: 'better-sqlite3',
      connection: { directory: '../../data/sqlite' },
    });
  });

  it('uses PostgreSQL from the environment and no guest sign-in in production', async () => {
    Object.assign(process.env, {
      POSTGRES_HOST: 'db.internal',
      POSTGRES_USER: 'backstage',
      POSTGRES_PASSWORD: 's3cret',
      AUTH_OIDC_METADATA_URL:
        'https://sso.example/.well-known/openid-configuration',
      AUTH_OIDC_CLIENT_ID: 'backstage',
      AUTH_OIDC_CLIENT_SECRET: 'oidc-secret',
    });
    const config = (await loadAppConfig(
      'app-config.yaml',
      'app-config.production.yaml',
    )) as any;
    expect(config.backend.database.client).toBe('pg');
    expect(config.backend.database.connection).toMatchObject({
      host: 'db.internal',
      port: '5432',
      user: 'backstage',
      password: 's3cret',
    });
    expect(config.auth.providers.guest.dangerouslyAllowOutsideDevelopment).toBe(
      false,
    );
    expect(config.app.signIn.providers).toEqual(['oidc']);
    expect(config.auth.providers.oidc.production.clientId).toBe('backstage');
  });
});
