import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { eventually } from '@internal/cluster-tools/testUtils';
import { backendFeatures } from './features';
import { localConfigWithAbsoluteLocations } from './__testUtils__/config';
import {
  DatabaseUnderTest,
  postgresUnderTest,
  sqliteUnderTest,
} from './__testUtils__/databases';

jest.setTimeout(180_000);

const GUEST = 'user:default/guest';

const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'mcp-orders',
    namespace: 'default',
    annotations: {
      'backstage.io/managed-by-location': 'url:https://mcp.test/',
      'backstage.io/managed-by-origin-location': 'url:https://mcp.test/',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'platform-team' },
};

/** The test's component, at once: the seed catalog takes minutes to ingest. */
const testEntities = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'mcp-test-entities',
  register(reg) {
    reg.registerInit({
      deps: { catalog: catalogProcessingExtensionPoint },
      async init({ catalog }) {
        catalog.addEntityProvider({
          getProviderName: () => 'mcp-test',
          connect: connection =>
            connection.applyMutation({
              type: 'full',
              entities: [{ entity: component, locationKey: 'mcp-test' }],
            }),
        });
      },
    });
  },
});

/**
 * The backend as it runs (features.ts, app-config.yaml), with real sign-in
 * and tokens, the real permission framework and the platform's policy: an
 * MCP client (the SDK's, over Streamable HTTP) signed in as the guest lists
 * the environments tools and calls them with the guest's token, as an AI
 * assistant would. Each call goes from the MCP backend through the actions
 * service to the environments plugin, on behalf of the guest.
 */
describe.each([sqliteUnderTest(), postgresUnderTest()])(
  'MCP tools of the environments plugin, whole backend ($name)',
  (database: DatabaseUnderTest) => {
    let baseUrl: string;
    let stop: () => Promise<void>;

    beforeAll(async () => {
      const config = (await localConfigWithAbsoluteLocations()) as any;
      config.backend.database = database.config();
      // The seed catalog is not needed, and its ingestion would compete for the cores.
      config.catalog.locations = [];
      // Real user tokens, from the guest provider (development only, which jest is not).
      config.auth.providers.guest = {
        userEntityRef: GUEST,
        ownershipEntityRefs: [GUEST, 'group:default/platform-team'],
        dangerouslyAllowOutsideDevelopment: true,
      };
      const backend = await startTestBackend({
        features: [
          ...backendFeatures,
          testEntities,
          mockServices.rootConfig.factory({ data: config }),
          // The real scheduler: the mock runs every task to its end before the
          // backend starts, and some wait for plugins that only answer after.
          schedulerServiceFactory,
          // Real tokens, their checks and the permission framework.
          authServiceFactory,
          httpAuthServiceFactory,
          userInfoServiceFactory,
          permissionsServiceFactory,
          ...(process.env.IDP_TEST_LOGS
            ? [mockServices.rootLogger.factory({ level: 'info' })]
            : []),
        ],
      });
      baseUrl = `http://localhost:${backend.server.port()}`;
      stop = () => backend.stop();
      // Requests name the component, which the catalog must have stitched.
      const token = await guestToken();
      await eventually('the test component in the catalog', async () => {
        const response = await fetch(
          `${baseUrl}/api/catalog/entities/by-name/component/default/mcp-orders`,
          { headers: { Authorization: `Bearer ${token}` } },
        );
        const entity = response.ok ? await response.json() : undefined;
        return entity?.relations?.length ? entity : undefined;
      });
    });

    afterAll(async () => {
      await stop?.();
      await database.cleanup();
    });

    /** A user token, as the portal gets one when the guest signs in. */
    async function guestToken(): Promise<string> {
      const response = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      });
      expect(response.status).toBe(200);
      const body = await response.json();
      return body.backstageIdentity.token;
    }

    async function connect(token?: string) {
      const client = new Client({ name: 'idp-mcp-test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(
          new URL(`${baseUrl}/api/mcp-actions/v1`),
          token
            ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } }
            : {},
        ),
      );
      return client;
    }

    it('lists the tools and calls them with the caller’s token', async () => {
      const client = await connect(await guestToken());
      try {
        // initialize: the server's name from app-config's mcpActions.
        expect(client.getServerVersion()?.name).toBe('acme-platform');

        const { tools } = await client.listTools();
        const byName = Object.fromEntries(tools.map(tool => [tool.name, tool]));
        expect(Object.keys(byName)).toEqual(
          expect.arrayContaining([
            'environments.list-environments',
            'environments.request-environment',
            'environments.deploy-to-environment',
            'environments.approve-deployment',
            'environments.diff-deployments',
          ]),
        );
        expect(byName['environments.delete-environment'].annotations).toEqual(
          expect.objectContaining({
            destructiveHint: true,
            idempotentHint: true,
            readOnlyHint: false,
          }),
        );
        expect(
          byName['environments.request-environment'].inputSchema,
        ).toMatchObject({
          type: 'object',
          required: ['componentRef', 'type'],
        });

        const requested = await client.callTool({
          name: 'environments.request-environment',
          arguments: {
            componentRef: 'component:default/mcp-orders',
            type: 'development',
            name: 'dev-mcp',
          },
        });
        expect(requested.content).not.toEqual([
          expect.objectContaining({ text: expect.stringMatching(/Error/) }),
        ]);
        expect(requested.isError).toBeFalsy();
        const environment = requested.structuredContent as any;
        expect(environment).toMatchObject({
          name: 'dev-mcp',
          componentRef: 'component:default/mcp-orders',
          // The guest's, not the MCP backend's: the call ran on the guest's behalf.
          createdBy: GUEST,
        });

        const got = await client.callTool({
          name: 'environments.get-environment',
          arguments: { environmentId: environment.id },
        });
        expect((got.structuredContent as any).id).toBe(environment.id);
        expect(JSON.parse((got.content as any)[0].text).name).toBe('dev-mcp');

        const listed = await client.callTool({
          name: 'environments.list-environments',
          arguments: { componentRef: 'mcp-orders' },
        });
        expect(
          (listed.structuredContent as any).items.map((e: any) => e.id),
        ).toEqual([environment.id]);
      } finally {
        await client.close();
      }
    });

    it('answers bad arguments with an error naming the field and the rule', async () => {
      const client = await connect(await guestToken());
      try {
        const result = await client.callTool({
          name: 'environments.request-environment',
          arguments: { componentRef: 'component:default/mcp-orders', ttl: 5 },
        });
        expect(result.isError).toBe(true);
        const [{ text }] = result.content as Array<{ text: string }>;
        expect(text).toMatch(/^InputError: Invalid environment request:/);
        expect(text).toContain('type: is required');
        expect(text).toContain('ttl: must be a duration');
      } finally {
        await client.close();
      }
    });

    it('refuses a client without a token', async () => {
      await expect(connect()).rejects.toThrow(/401/);
    });
  },
);
