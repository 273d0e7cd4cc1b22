import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
// The point of this test: the actions against the real environments backend.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import environmentsPlugin from '@internal/backstage-plugin-environments-backend';
import request from 'supertest';
import yaml from 'yaml';
import { examples as deleteExamples } from './actions/deleteEnvironment.examples';
import { examples as deployExamples } from './actions/deployToEnvironment.examples';
import { examples as promoteExamples } from './actions/promoteToEnvironment.examples';
import { examples as requestExamples } from './actions/requestEnvironment.examples';
import { scaffolderModuleEnvironments } from './module';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/**
 * A database of its own for each plugin, as in production, that
 * TestDatabases closes after the tests (the default one's pool outlives them).
 */
const databasePerPlugin = createServiceFactory({
  service: coreServices.database,
  deps: {},
  async factory() {
    const knex = await databases.init('SQLITE_3');
    return { getClient: async () => knex };
  },
});

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-orders', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders-service', namespace: 'default' },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/team-orders',
  },
};

/** What the environment step did, as a template's output. */
const environmentStepOutput = {
  environmentId: '${{ steps.environment.output.environmentId }}',
  namespace: '${{ steps.environment.output.namespace }}',
  status: '${{ steps.environment.output.status }}',
  url: '${{ steps.environment.output.url }}',
};

function template(options: {
  name: string;
  steps: object[];
  parameters?: object[];
  output?: object;
}): Entity {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: options.name, namespace: 'default' },
    spec: {
      owner: 'group:default/team-orders',
      type: 'service',
      parameters: options.parameters ?? [],
      steps: options.steps,
      output: options.output ?? {},
    },
  };
}

const requestTemplate = template({
  name: 'request-environment',
  steps: [
    {
      id: 'environment',
      action: 'environments:request',
      input: {
        componentRef: 'component:default/orders-service',
        type: 'development',
        // No cluster is configured here, so the environment stays requested.
        wait: false,
      },
    },
  ],
  output: environmentStepOutput,
});

const deleteTemplate = template({
  name: 'delete-environment',
  parameters: [
    {
      required: ['environmentId'],
      properties: { environmentId: { type: 'string' } },
    },
  ],
  steps: [
    {
      id: 'environment',
      action: 'environments:delete',
      input: {
        environmentId: '${{ parameters.environmentId }}',
        // Without a cluster the teardown does not finish here.
        wait: false,
      },
    },
  ],
  output: {
    environmentId: '${{ steps.environment.output.environmentId }}',
    status: '${{ steps.environment.output.status }}',
  },
});

const baseline = {
  quota: { cpu: '2', memory: '4Gi' },
  limits: {
    defaultCpu: '500m',
    defaultMemory: '512Mi',
    defaultRequestCpu: '100m',
    defaultRequestMemory: '128Mi',
  },
};

/**
 * The real scaffolder, the real environments backend and this module in one
 * backend, talking over HTTP as in production; only the catalog is in memory.
 */
async function startBackend() {
  const backend = await startTestBackend({
    features: [
      scaffolderPlugin,
      environmentsPlugin,
      scaffolderModuleEnvironments,
      databasePerPlugin,
      catalogServiceMock.factory({
        entities: [group, component, requestTemplate, deleteTemplate],
      }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://portal.test' },
          environments: {
            types: {
              development: {
                description: 'Day-to-day work',
                cluster: 'local',
                baseline,
                bounds: { cpu: '4', memory: '8Gi' },
              },
              preview: {
                description: 'Short-lived',
                cluster: 'local',
                ephemeral: true,
                ttl: { default: '4h', max: '3d' },
                baseline,
                bounds: { cpu: '2', memory: '4Gi' },
              },
              staging: {
                description: 'Release candidates',
                cluster: 'local',
                baseline,
                bounds: { cpu: '8', memory: '16Gi' },
              },
            },
          },
        },
      }),
    ],
  });
  const asUser = mockCredentials.user.header();

  return {
    backend,

    /** Runs a Template from the catalog as a real task and returns its outcome. */
    async runTask(templateRef: string, values: object = {}) {
      const created = await request(backend.server)
        .post('/api/scaffolder/v2/tasks')
        .set('Authorization', asUser)
        .send({ templateRef, values });
      expect(created.status).toBe(201);
      const taskId = created.body.id;

      let status = 'open';
      for (
        let i = 0;
        i < 200 && !['completed', 'failed'].includes(status);
        i++
      ) {
        await new Promise(resolve => setTimeout(resolve, 100));
        const task = await request(backend.server)
          .get(`/api/scaffolder/v2/tasks/${taskId}`)
          .set('Authorization', asUser);
        status = task.body.status;
      }
      const events = await request(backend.server)
        .get(`/api/scaffolder/v2/tasks/${taskId}/events`)
        .set('Authorization', asUser);
      const completion = events.body.find(
        (event: { type: string }) => event.type === 'completion',
      );
      return { status, output: completion?.body.output };
    },

    /** Runs a template in dry-run mode, as the template editor does. */
    async dryRun(templateToRun: Entity) {
      const res = await request(backend.server)
        .post('/api/scaffolder/v2/dry-run')
        .set('Authorization', asUser)
        .send({ template: templateToRun, values: {}, directoryContents: [] });
      return {
        status: res.status,
        error: res.body.error,
        output: res.body.output,
        log: (res.body.log ?? []).map(
          (entry: { body: { message: string } }) => entry.body.message,
        ),
      };
    },

    async listEnvironments() {
      const res = await request(backend.server)
        .get('/api/environments/environments')
        .set('Authorization', asUser);
      return res.body.items;
    },

    async getEnvironment(id: string) {
      return request(backend.server)
        .get(`/api/environments/environments/${id}`)
        .set('Authorization', asUser);
    },
  };
}

describe('scaffolder module environments, against the real environments backend', () => {
  let env: Awaited<ReturnType<typeof startBackend>>;

  beforeAll(async () => {
    env = await startBackend();
  });

  afterAll(async () => {
    // The scaffolder follows each task's events by polling every second, and
    // a subscription only ends at its next poll: let them end while the
    // database is still there.
    await new Promise(resolve => setTimeout(resolve, 1500));
    await env?.backend.stop();
  });

  it('requests and deletes an environment as the user who runs the task', async () => {
    const task = await env.runTask('template:default/request-environment');

    expect(task.status).toBe('completed');
    expect(task.output).toEqual({
      environmentId: expect.any(String),
      namespace: 'orders-service-development-0f2f2f22b7',
      status: 'requested',
      url: `http://portal.test/environments/${task.output.environmentId}`,
    });

    const stored = await env.getEnvironment(task.output.environmentId);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({
      componentRef: 'component:default/orders-service',
      ownerRef: 'group:default/team-orders',
      type: 'development',
      // The environments backend saw the user, not the scaffolder.
      createdBy: mockCredentials.user().principal.userEntityRef,
    });

    const { environmentId } = task.output;
    const deletion = await env.runTask('template:default/delete-environment', {
      environmentId,
    });

    expect(deletion.status).toBe('completed');
    expect(deletion.output).toEqual({ environmentId, status: 'deleting' });
    const deleting = await env.getEnvironment(environmentId);
    expect(deleting.body.status).toBe('deleting');
  });

  it('adds the request, delete, deploy and promote actions to the scaffolder', async () => {
    const res = await request(env.backend.server)
      .get('/api/scaffolder/v2/actions')
      .set('Authorization', mockCredentials.user.header());

    expect(res.status).toBe(200);
    expect(
      res.body
        .map((action: { id: string }) => action.id)
        .filter((id: string) => id.startsWith('environments:'))
        .sort(),
    ).toEqual([
      'environments:delete',
      'environments:deploy',
      'environments:promote',
      'environments:request',
    ]);
  });

  it('checks a dry run against the types the backend has', async () => {
    const dryRun = await env.dryRun(
      template({
        name: 'dry-run',
        steps: [
          {
            id: 'environment',
            action: 'environments:request',
            input: {
              componentRef: 'component:default/new-service',
              type: 'qa',
            },
          },
        ],
      }),
    );

    expect(dryRun.status).toBe(400);
    expect(dryRun.error.message).toBe(
      'Invalid environment request:\ntype: must be one of the configured environment types: development, preview, staging (got "qa")',
    );
  });

  it.each([
    ...requestExamples.map(example => ({
      action: 'environments:request',
      example,
    })),
    ...deleteExamples.map(example => ({
      action: 'environments:delete',
      example,
    })),
    ...deployExamples.map(example => ({
      action: 'environments:deploy',
      example,
    })),
    ...promoteExamples.map(example => ({
      action: 'environments:promote',
      example,
    })),
  ])(
    'accepts the $action example "$example.description" in a dry run',
    async ({ example }) => {
      const { steps, output } = yaml.parse(example.example);
      const before = await env.listEnvironments();

      const dryRun = await env.dryRun(
        template({ name: 'example', steps, output }),
      );

      expect(dryRun.status).toBe(200);
      expect(dryRun.log.join('\n')).toMatch(
        /Dry run: (the request|would delete|the deployment|the promotion)/,
      );
      // The same environments (the first test's goes on being deleted in the
      // background, so its status may move): nothing was created.
      const ids = (items: Array<{ id: string }>) => items.map(e => e.id).sort();
      expect(ids(await env.listEnvironments())).toEqual(ids(before));
    },
  );
});
