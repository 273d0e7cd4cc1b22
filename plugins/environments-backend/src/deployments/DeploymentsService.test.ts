import {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  EnvironmentSecret,
  environmentTypeSchema,
} from '@internal/backstage-plugin-environments-common';
import { Environment, EnvironmentsStore, NewAuditEvent } from '../model';
import {
  EnvironmentAction,
  EnvironmentAuthorizer,
} from '../permissions/EnvironmentAuthorizer';
import { InMemoryDeploymentsStore } from './__testUtils__/InMemoryDeploymentsStore';
import { DeploymentsService, EnvironmentSecrets } from './DeploymentsService';
import { PromotionPaths } from './promotionPaths';

const JANE = 'user:default/jane'; // owner of orders-service
const ADA = 'user:default/ada'; // platform team, approves production
const MALLORY = 'user:default/mallory'; // neither
const TEAM = 'group:default/team-orders';
const PLATFORM = 'group:default/platform-team';
const COMPONENT = 'component:default/orders-service';

const groupsOf: Record<string, string[]> = {
  [JANE]: [JANE, TEAM],
  [ADA]: [ADA, PLATFORM],
  [MALLORY]: [MALLORY],
};

const limits = {
  defaultCpu: '500m',
  defaultMemory: '512Mi',
  defaultRequestCpu: '100m',
  defaultRequestMemory: '128Mi',
};
const type = (extra: object) =>
  environmentTypeSchema.parse({
    description: 'a type',
    cluster: 'local',
    baseline: {
      quota: { cpu: '1', memory: '2Gi' },
      limits,
      workload: { replicas: 2, env: { LOG_LEVEL: 'info', REGION: 'eu' } },
    },
    bounds: { cpu: '2', memory: '4Gi', replicas: 5 },
    ...extra,
  });
const types = {
  development: type({}),
  staging: type({}),
  production: type({ requiresApproval: true, approvalTimeout: '2h' }),
};

const orders: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders-service',
    namespace: 'default',
    annotations: {
      'environments.idp.dev/image': 'ghcr.io/acme/orders:1.0.0',
      'environments.idp.dev/port': '3000',
      'environments.idp.dev/replicas': 'many',
      'environments.idp.dev/env.LOG_LEVEL': 'debug',
      'environments.idp.dev/cpu': '250m',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-orders' },
};

const NOW = new Date('2026-12-02T01:00:00.000Z');

function environment(name: string, extra: Partial<Environment> = {}) {
  return {
    id: `env-${name}`,
    name,
    namespace: `orders-service-${name}`,
    componentRef: COMPONENT,
    ownerRef: TEAM,
    type: name,
    status: 'ready',
    spec: { componentRef: COMPONENT, type: name, name, resources: [] },
    conditions: [],
    generation: 1,
    observedGeneration: 1,
    version: 1,
    createdBy: JANE,
    createdAt: NOW,
    updatedAt: NOW,
    ...extra,
  } as Environment;
}

/** Owners (by group) deploy and read; everyone reads; admins approve. */
function fakeAuthorizer(): EnvironmentAuthorizer {
  const allowed = (
    action: EnvironmentAction,
    resource: { ownerRef: string },
    credentials: BackstageCredentials,
  ) => {
    const { principal } = credentials as BackstageCredentials<any>;
    if (principal.type === 'service') return true;
    const groups = groupsOf[principal.userEntityRef] ?? [];
    if (action === 'read') return true;
    if (action === 'approve') return true;
    return groups.includes(resource.ownerRef);
  };
  return {
    async authorize(action, resource, credentials) {
      if (!allowed(action, resource, credentials)) {
        throw new NotAllowedError(`not allowed to ${action}`);
      }
    },
    async filter(action, resources, credentials) {
      return resources.filter(r => allowed(action, r, credentials));
    },
  } as EnvironmentAuthorizer;
}

function setup(
  options: { environments?: Environment[]; entity?: Entity } = {},
) {
  const envs = new Map(
    (
      options.environments ?? [
        environment('development'),
        environment('staging'),
        environment('production'),
      ]
    ).map(e => [e.id, e]),
  );
  const audit: NewAuditEvent[] = [];
  const environments = {
    async getEnvironment(id: string) {
      const found = envs.get(id);
      if (!found) throw new NotFoundError(`Environment '${id}' not found`);
      return found;
    },
    async listEnvironments(filter: { componentRef?: string } = {}) {
      return [...envs.values()].filter(
        e =>
          e.status !== 'deleted' &&
          (!filter.componentRef || e.componentRef === filter.componentRef),
      );
    },
    async appendAuditEvent(event: NewAuditEvent) {
      audit.push(event);
      return { ...event, id: audit.length, at: NOW };
    },
  } as unknown as EnvironmentsStore;
  const deployments = new InMemoryDeploymentsStore(() => NOW);
  const secretValues = new Map<string, string>();
  const secretWrites: string[] = [];
  const secrets: EnvironmentSecrets = {
    async writeSecret(_env, key, value) {
      secretWrites.push(key);
      secretValues.set(key, value);
    },
    async deleteSecret(_env, key) {
      secretValues.delete(key);
    },
    async listSecrets(): Promise<EnvironmentSecret[]> {
      return [...secretValues.keys()].map(key => ({
        key,
        updatedAt: NOW.toISOString(),
      }));
    },
  };
  const userInfo: UserInfoService = {
    async getUserInfo(credentials) {
      const ref = (credentials as BackstageCredentials<any>).principal
        .userEntityRef;
      return { userEntityRef: ref, ownershipEntityRefs: groupsOf[ref] ?? [] };
    },
  };
  const logger = mockServices.logger.mock();
  const service = new DeploymentsService({
    deployments,
    environments,
    types,
    authorizer: fakeAuthorizer(),
    catalog: catalogServiceMock({ entities: [options.entity ?? orders] }),
    auth: mockServices.auth(),
    userInfo,
    logger,
    promotionPaths: new PromotionPaths([
      'development',
      'staging',
      'production',
    ]),
    secretsFor: () => secrets,
    adminGroups: [PLATFORM],
    ciSubjects: ['ci'],
    clock: () => NOW,
  });
  const as = (user: string) => ({
    credentials: mockCredentials.user(user),
  });
  return {
    service,
    deployments,
    audit,
    secretValues,
    secretWrites,
    logger,
    as,
  };
}

describe('DeploymentsService', () => {
  describe('configuration', () => {
    it('resolves the baseline, the component annotations and the overrides, naming the layer of each value', async () => {
      const { service, as } = setup();

      const resolved = await service.configuration('env-development', as(JANE));

      expect(resolved.config).toEqual({
        image: 'ghcr.io/acme/orders:1.0.0',
        port: 3000,
        replicas: 2,
        env: { LOG_LEVEL: 'debug', REGION: 'eu' },
        secretRefs: {},
        resources: { cpu: '250m' },
      });
      expect(resolved.origins).toEqual({
        image: 'component',
        port: 'component',
        replicas: 'baseline',
        'env.LOG_LEVEL': 'component',
        'env.REGION': 'baseline',
        'resources.cpu': 'component',
      });
    });

    it('ignores an invalid annotation and logs it once at debug', async () => {
      const { service, as, logger } = setup();

      await service.configuration('env-development', as(JANE));
      await service.configuration('env-development', as(JANE));

      expect(logger.debug).toHaveBeenCalledTimes(1);
      expect(logger.debug).toHaveBeenCalledWith(
        'Ignoring an invalid annotation of a component',
        expect.objectContaining({
          annotation: expect.stringContaining('environments.idp.dev/replicas'),
        }),
      );
    });

    it('starts the override layer from the image the environment was created with', async () => {
      const { service, as } = setup({
        environments: [
          environment('development', {
            spec: {
              componentRef: COMPONENT,
              type: 'development',
              name: 'development',
              resources: [],
              image: 'ghcr.io/acme/orders:0.9.0',
            },
          }),
        ],
      });

      const resolved = await service.configuration('env-development', as(JANE));

      expect(resolved.config.image).toBe('ghcr.io/acme/orders:0.9.0');
      expect(resolved.origins.image).toBe('override');
    });
  });

  describe('deploy', () => {
    it('retags the image that runs, and carries overrides forward until null removes them', async () => {
      const { service, as } = setup();

      const first = await service.deploy(
        'env-development',
        { tag: '1.1.0', replicas: 3, env: { FEATURE_X: 'on' } },
        as(JANE),
      );
      expect(first).toMatchObject({
        version: '1.1.0',
        state: 'rolling-out',
        source: 'api',
        message: 'Deployed 1.1.0',
        config: { image: 'ghcr.io/acme/orders:1.1.0', replicas: 3 },
        createdBy: JANE,
      });
      expect(first.contentHash).toMatch(/^[0-9a-f]{64}$/);

      const second = await service.deploy(
        'env-development',
        { tag: '1.2.0', replicas: null },
        as(JANE),
      );
      expect(second.config).toMatchObject({
        image: 'ghcr.io/acme/orders:1.2.0',
        replicas: 2,
        env: { FEATURE_X: 'on', LOG_LEVEL: 'debug' },
      });
      expect(second.origins.replicas).toBe('baseline');
      expect(second.replaces).toBe(first.id);
    });

    it('gives equal configurations equal hashes', async () => {
      const { service, as } = setup();

      const a = await service.deploy('env-development', {}, as(JANE));
      const b = await service.deploy('env-development', {}, as(JANE));

      expect(a.contentHash).toBe(b.contentHash);
    });

    it('refuses values beyond the type bounds with 400 naming the field', async () => {
      const { service, as } = setup();

      await expect(
        service.deploy(
          'env-development',
          { replicas: 9, resources: { memory: '64Gi' } },
          as(JANE),
        ),
      ).rejects.toMatchObject({
        name: 'InputError',
        issues: [
          { field: 'replicas', rule: expect.stringContaining('at most 5') },
          {
            field: 'resources.memory',
            rule: expect.stringContaining('at most 4Gi'),
          },
        ],
      });
    });

    it('refuses a malformed request with every issue', async () => {
      const { service, as } = setup();

      await expect(
        service.deploy(
          'env-development',
          { image: 'ghcr.io/acme/orders:1', tag: '2', replicas: -1 },
          as(JANE),
        ),
      ).rejects.toMatchObject({
        name: 'InputError',
        issues: expect.arrayContaining([
          { field: 'replicas', rule: 'must not be negative' },
          { field: 'tag', rule: 'give either image or tag, not both' },
        ]),
      });
    });

    it('is for the component owners only', async () => {
      const { service, as } = setup();

      await expect(
        service.deploy('env-development', { tag: '1.1.0' }, as(MALLORY)),
      ).rejects.toBeInstanceOf(NotAllowedError);
    });

    it('refuses an environment being deleted with 409', async () => {
      const { service, as } = setup({
        environments: [environment('development', { status: 'deleting' })],
      });

      await expect(
        service.deploy('env-development', { tag: '1.1.0' }, as(JANE)),
      ).rejects.toMatchObject({ name: 'ConflictError' });
    });

    it('audits who deployed which version from where, and why', async () => {
      const { service, deployments, as } = setup();

      await service.deploy(
        'env-development',
        { tag: '1.1.0', source: 'cli', message: 'Fixes the checkout' },
        as(JANE),
      );

      expect(deployments.audit).toEqual([
        {
          actor: JANE,
          action: 'deploy',
          outcome: 'initiated',
          message: '1.1.0 (cli): Fixes the checkout',
        },
      ]);
    });
  });

  describe('rollback', () => {
    async function deployedTwice() {
      const context = setup();
      const { service, deployments, as } = context;
      const good = await service.deploy(
        'env-development',
        { tag: '1.1.0' },
        as(JANE),
      );
      deployments.succeed(good.id);
      const bad = await service.deploy(
        'env-development',
        { tag: '1.2.0' },
        as(JANE),
      );
      return { ...context, good, bad };
    }

    it('rolls out an earlier succeeded configuration again and pins the environment against CI', async () => {
      const { service, deployments, as, good, bad } = await deployedTwice();

      const rollback = await service.rollback(
        'env-development',
        { deploymentId: good.id, reason: 'Checkout errors' },
        as(JANE),
      );

      expect(rollback).toMatchObject({
        kind: 'rollback',
        rollbackOf: good.id,
        config: good.config,
        message: 'Checkout errors',
      });
      expect((await deployments.getDeployment(bad.id)).state).toBe(
        'rolled-back',
      );
      await expect(
        service.ciDeploy(
          {
            componentRef: COMPONENT,
            environment: 'development',
            image: 'ghcr.io/acme/orders:1.3.0',
            commit: { sha: 'abcdef1' },
          },
          { credentials: mockCredentials.service('ci') },
        ),
      ).rejects.toMatchObject({ name: 'PinnedEnvironmentError' });

      // A deploy by hand clears the pin; then CI may deploy again.
      await service.deploy('env-development', { tag: '1.3.0' }, as(JANE));
      await expect(
        service.ciDeploy(
          {
            componentRef: COMPONENT,
            environment: 'development',
            image: 'ghcr.io/acme/orders:1.4.0',
            commit: { sha: 'abcdef2' },
          },
          { credentials: mockCredentials.service('ci') },
        ),
      ).resolves.toMatchObject({ source: 'ci', createdBy: 'ci' });
    });

    it('refuses a deployment that never succeeded with 409', async () => {
      const { service, as, bad } = await deployedTwice();

      await expect(
        service.rollback(
          'env-development',
          { deploymentId: bad.id, reason: 'why not' },
          as(JANE),
        ),
      ).rejects.toMatchObject({ name: 'ConflictError' });
    });

    it("answers 404 for another environment's deployment", async () => {
      const { service, as, good } = await deployedTwice();

      await expect(
        service.rollback(
          'env-staging',
          { deploymentId: good.id, reason: 'mix-up' },
          as(JANE),
        ),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message: `Environment 'staging' has no deployment '${good.id}'`,
      });
    });

    it('requires a reason', async () => {
      const { service, as, good } = await deployedTwice();

      await expect(
        service.rollback(
          'env-development',
          { deploymentId: good.id },
          as(JANE),
        ),
      ).rejects.toMatchObject({
        issues: [{ field: 'reason', rule: 'is required' }],
      });
    });
  });

  describe('promote', () => {
    it('brings the upstream image and component layer under the target baseline and overrides', async () => {
      const { service, deployments, as } = setup();
      await service.deploy('env-staging', { replicas: 4 }, as(JANE));
      const dev = await service.deploy(
        'env-development',
        { tag: '2.0.0', replicas: 1 },
        as(JANE),
      );
      deployments.succeed(dev.id);

      const promotion = await service.promote('env-staging', {}, as(JANE));

      expect(promotion).toMatchObject({
        kind: 'promotion',
        promotedFrom: {
          deploymentId: dev.id,
          environmentName: 'development',
        },
        config: { image: 'ghcr.io/acme/orders:2.0.0', replicas: 4 },
        message: 'Promoted 2.0.0 from development',
      });
    });

    it('only from where it succeeded (409)', async () => {
      const { service, as } = setup();
      await service.deploy('env-development', { tag: '2.0.0' }, as(JANE));

      await expect(
        service.promote('env-staging', {}, as(JANE)),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining(
          'a version can only be promoted from an environment where it succeeded',
        ),
      });
    });

    it('only from the environment right before it in the path (400 naming the path)', async () => {
      const { service, deployments, as } = setup();
      const dev = await service.deploy(
        'env-development',
        { tag: '2.0.0' },
        as(JANE),
      );
      deployments.succeed(dev.id);

      await expect(
        service.promote('env-production', { deploymentId: dev.id }, as(JANE)),
      ).rejects.toMatchObject({
        name: 'InputError',
        issues: [
          {
            field: 'deploymentId',
            rule: expect.stringContaining('development → staging → production'),
          },
        ],
      });
      await expect(
        service.promote('env-development', {}, as(JANE)),
      ).rejects.toMatchObject({ issues: [{ field: 'environment' }] });
    });

    it("follows the component's own path", async () => {
      const { service, deployments, as } = setup({
        entity: {
          ...orders,
          metadata: {
            ...orders.metadata,
            annotations: {
              ...orders.metadata.annotations,
              'environments.idp.dev/promotion-path': 'development, production',
            },
          },
        },
      });
      const dev = await service.deploy(
        'env-development',
        { tag: '2.0.0' },
        as(JANE),
      );
      deployments.succeed(dev.id);

      await expect(
        service.promote('env-production', {}, as(JANE)),
      ).resolves.toMatchObject({ state: 'pending-approval' });
    });

    it('is refused by a pinned environment', async () => {
      const { service, deployments, as } = setup();
      const first = await service.deploy('env-staging', {}, as(JANE));
      deployments.succeed(first.id);
      await service.rollback(
        'env-staging',
        { deploymentId: first.id, reason: 'hold' },
        as(JANE),
      );
      const dev = await service.deploy(
        'env-development',
        { tag: '2.0.0' },
        as(JANE),
      );
      deployments.succeed(dev.id);

      await expect(
        service.promote('env-staging', {}, as(JANE)),
      ).rejects.toMatchObject({ name: 'PinnedEnvironmentError' });
    });
  });

  describe('approvals', () => {
    async function pending() {
      const context = setup();
      const deployment = await context.service.deploy(
        'env-production',
        { tag: '3.0.0' },
        context.as(JANE),
      );
      return { ...context, deployment };
    }

    it('holds deployments of gated types for the admins until the timeout', async () => {
      const { deployment } = await pending();

      expect(deployment).toMatchObject({
        state: 'pending-approval',
        approval: {
          groups: [PLATFORM],
          expiresAt: '2026-12-02T03:00:00.000Z',
        },
      });
    });

    it('refuses the requester (403)', async () => {
      const { service, deployment, as } = await pending();

      await expect(
        service.approve(deployment.id, { comment: 'mine' }, as(JANE)),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: 'You cannot approve your own deployment',
      });
    });

    it('refuses someone outside the approver groups (403)', async () => {
      const { service, deployment, as } = await pending();

      await expect(
        service.approve(deployment.id, { comment: 'sure' }, as(MALLORY)),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
    });

    it('lets a member approve with a comment, and then rolls it out', async () => {
      const { service, deployment, as } = await pending();

      expect((await service.pendingApprovals(as(ADA))).map(d => d.id)).toEqual([
        deployment.id,
      ]);
      expect(await service.pendingApprovals(as(JANE))).toEqual([]);

      const approved = await service.approve(
        deployment.id,
        { comment: 'Go' },
        as(ADA),
      );

      expect(approved).toMatchObject({
        state: 'rolling-out',
        approval: { decision: { outcome: 'approved', by: ADA, comment: 'Go' } },
      });
      await expect(
        service.reject(deployment.id, { comment: 'late' }, as(ADA)),
      ).rejects.toMatchObject({ name: 'ConflictError' });
    });

    it('requires a comment', async () => {
      const { service, deployment, as } = await pending();

      await expect(
        service.reject(deployment.id, {}, as(ADA)),
      ).rejects.toMatchObject({
        issues: [{ field: 'comment', rule: 'is required' }],
      });
    });
  });

  describe('history, diff and what runs where', () => {
    it('pages the history newest first', async () => {
      const { service, as } = setup();
      for (const tag of ['1.1.0', '1.2.0', '1.3.0']) {
        await service.deploy('env-development', { tag }, as(JANE));
      }

      const first = await service.history(
        'env-development',
        { limit: 2 },
        as(MALLORY),
      );
      const second = await service.history(
        'env-development',
        { limit: 2, pageToken: first.nextPageToken },
        as(MALLORY),
      );

      expect(first.items.map(d => d.version)).toEqual(['1.3.0', '1.2.0']);
      expect(second.items.map(d => d.version)).toEqual(['1.1.0']);
      expect(second.nextPageToken).toBeUndefined();
    });

    it('diffs any two deployments', async () => {
      const { service, as } = setup();
      const dev = await service.deploy(
        'env-development',
        { tag: '1.1.0' },
        as(JANE),
      );
      const staging = await service.deploy(
        'env-staging',
        { tag: '1.2.0', replicas: 3 },
        as(JANE),
      );

      const diff = await service.diff(dev.id, staging.id, as(MALLORY));

      expect(diff.changes).toEqual([
        {
          path: 'image',
          change: 'changed',
          from: 'ghcr.io/acme/orders:1.1.0',
          to: 'ghcr.io/acme/orders:1.2.0',
        },
        { path: 'replicas', change: 'changed', from: 2, to: 3 },
      ]);
      expect(diff.text).toContain('+ replicas: 3');
    });

    it('shows each environment in path order with what a promotion would bring, in one read', async () => {
      const { service, deployments, as } = setup();
      const dev = await service.deploy(
        'env-development',
        { tag: '2.0.0' },
        as(JANE),
      );
      deployments.succeed(dev.id);
      await service.deploy('env-staging', { tag: '1.0.0' }, as(JANE));
      deployments.targetReads = 0;

      const view = await service.whatRunsWhere('orders-service', as(MALLORY));

      expect(deployments.targetReads).toBe(1);
      expect(view.componentRef).toBe(COMPONENT);
      expect(
        view.environments.map(e => [
          e.environmentName,
          e.current?.version,
          e.upstream,
          e.promotable?.id,
        ]),
      ).toEqual([
        ['development', '2.0.0', undefined, undefined],
        ['staging', '1.0.0', 'development', dev.id],
        ['production', undefined, 'staging', undefined],
      ]);
    });
  });

  describe('CI', () => {
    const request = {
      componentRef: COMPONENT,
      environment: 'development',
      image: 'ghcr.io/acme/orders:5.0.0',
      commit: { sha: 'abcdef1' },
    };

    it('deploys for a configured CI subject, by environment name', async () => {
      const { service } = setup();

      await expect(
        service.ciDeploy(request, {
          credentials: mockCredentials.service('ci'),
        }),
      ).resolves.toMatchObject({
        source: 'ci',
        createdBy: 'ci',
        commit: { sha: 'abcdef1' },
        config: { image: 'ghcr.io/acme/orders:5.0.0' },
      });
    });

    it('refuses other services, and users who may not deploy', async () => {
      const { service, as } = setup();

      await expect(
        service.ciDeploy(request, {
          credentials: mockCredentials.service('plugin:catalog'),
        }),
      ).rejects.toBeInstanceOf(NotAllowedError);
      await expect(
        service.ciDeploy(request, as(MALLORY)),
      ).rejects.toBeInstanceOf(NotAllowedError);
    });

    it('answers 404 for an environment the component does not have', async () => {
      const { service } = setup();

      await expect(
        service.ciDeploy(
          { ...request, environment: 'qa' },
          { credentials: mockCredentials.service('ci') },
        ),
      ).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('secrets', () => {
    it('writes the value only to the cluster, lists keys only and audits the key only', async () => {
      const { service, as, audit, secretValues } = setup();

      await service.setSecret(
        'env-development',
        'db-password',
        { value: 'hunter2-very-secret' },
        as(JANE),
      );

      expect(secretValues.get('db-password')).toBe('hunter2-very-secret');
      const listed = await service.listSecrets('env-development', as(JANE));
      expect(listed).toEqual([
        { key: 'db-password', updatedAt: NOW.toISOString() },
      ]);
      expect(audit).toEqual([
        expect.objectContaining({
          action: 'secret-set',
          message: 'db-password',
        }),
      ]);
      expect(JSON.stringify([listed, audit])).not.toContain('hunter2');
    });

    it('refuses a bad key and an empty value with 400, and non-owners with 403', async () => {
      const { service, as, secretWrites } = setup();

      await expect(
        service.setSecret(
          'env-development',
          'no spaces',
          { value: '' },
          as(JANE),
        ),
      ).rejects.toMatchObject({
        issues: [
          { field: 'key', rule: expect.stringContaining('letters, digits') },
          { field: 'value', rule: 'must not be empty' },
        ],
      });
      await expect(
        service.setSecret('env-development', 'k', { value: 'v' }, as(MALLORY)),
      ).rejects.toBeInstanceOf(NotAllowedError);
      expect(secretWrites).toEqual([]);
    });
  });
});
