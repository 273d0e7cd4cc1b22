import { mockServices } from '@backstage/backend-test-utils';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpaServerEvaluator } from './OpaServerEvaluator';
import { PolicyEvaluator } from './PolicyEvaluator';
import { WasmPolicyEvaluator } from './WasmPolicyEvaluator';
import {
  buildBundle,
  copyPolicies,
  describeWithOpa,
  editPolicyData,
  policyInput,
  startOpaServer,
} from './__testUtils__/opa';

jest.setTimeout(60_000);

const logger = mockServices.logger.mock();

const rulesOf = (messages: Array<{ rule: string }>) =>
  messages.map(message => message.rule);

/** Waits until `check` passes, as a bundle reload happens on the watcher's next look. */
async function eventually(check: () => Promise<void>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(r => setTimeout(r, 50));
    }
  }
}

describeWithOpa('policy evaluators on the bundle built from policies/', () => {
  let outDir: string;
  let bundlePath: string;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'idp-policy-bundle-'));
    bundlePath = await buildBundle(outDir);
  });

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  // The same expectations hold whichever evaluator decides.
  const decides = (make: () => Promise<PolicyEvaluator>) => {
    let evaluator: PolicyEvaluator;
    beforeAll(async () => {
      evaluator = await make();
    });
    afterAll(() => evaluator.close());

    it('allows a deploy that breaks no rule', async () => {
      const decision = await evaluator.evaluate(policyInput());
      expect(decision).toMatchObject({ deny: [], warn: [] });
      expect(decision?.revision).toMatch(/\S/);
    });

    it('denies an image from a registry outside the allow-list, naming it', async () => {
      const decision = await evaluator.evaluate(
        policyInput({
          deployment: {
            image: 'evil.example.com/shop:1.2.3',
            repository: 'evil.example.com/shop',
            registry: 'evil.example.com',
          },
          environment: { image: 'evil.example.com/shop:1.2.3' },
        }),
      );
      expect(rulesOf(decision!.deny)).toContain(
        'deployments.allowed_registries',
      );
      expect(decision!.deny[0].message).toContain('evil.example.com');
    });

    it('denies production with fewer replicas than the minimum, and warns of a tag without digest', async () => {
      const decision = await evaluator.evaluate(
        policyInput({
          environment: { name: 'production', type: 'production', replicas: 1 },
          type: { name: 'production', requiresApproval: true },
          deployment: { replicas: 1 },
        }),
      );
      expect(rulesOf(decision!.deny)).toEqual([
        'deployments.production_min_replicas',
      ]);
      expect(rulesOf(decision!.warn)).toEqual([
        'deployments.digest_recommended_for_production',
      ]);
    });

    it('denies production deploys in the weekend freeze, and lists every denial', async () => {
      const decision = await evaluator.evaluate(
        policyInput({
          clock: { weekday: 'Friday', hour: 16, minute: 30 },
          environment: { name: 'production', type: 'production', replicas: 1 },
          type: { name: 'production' },
          deployment: {
            replicas: 1,
            tag: 'latest',
            image: 'registry.local/shop:latest',
          },
        }),
      );
      expect(rulesOf(decision!.deny)).toEqual(
        expect.arrayContaining([
          'deployments.change_freeze',
          'deployments.no_latest_outside_development',
          'deployments.production_min_replicas',
        ]),
      );
    });

    it('denies a sixth preview environment of a team', async () => {
      const decision = await evaluator.evaluate(
        policyInput({
          action: 'environment.request',
          environment: { name: 'pr-6', type: 'preview', ttl: 'PT24H' },
          type: { name: 'preview', ephemeral: true, maxTtl: 'P7D' },
          deployment: null as any,
          counts: { ownerEnvironments: 5, ownerEnvironmentsOfType: 5 },
        }),
      );
      expect(rulesOf(decision!.deny)).toContain(
        'environments.preview_limit_per_team',
      );
    });
  };

  describe('embedded (opa-wasm)', () => {
    decides(() => WasmPolicyEvaluator.create({ bundlePath, logger }));

    it('lists the rules of the bundle manifest', async () => {
      const evaluator = await WasmPolicyEvaluator.create({
        bundlePath,
        logger,
      });
      const rules = await evaluator.rules();
      await evaluator.close();
      expect(rules.items.map(rule => rule.rule)).toEqual(
        expect.arrayContaining([
          'deployments.allowed_registries',
          'deployments.digest_recommended_for_production',
          'environments.preview_limit_per_team',
        ]),
      );
      expect(
        rules.items.find(
          r => r.rule === 'deployments.digest_recommended_for_production',
        )?.severity,
      ).toBe('warn');
    });
  });

  describe('against opa run --server', () => {
    let server: { url: string; stop: () => Promise<void> };
    beforeAll(async () => {
      server = await startOpaServer(bundlePath);
    });
    afterAll(() => server.stop());

    decides(
      async () =>
        new OpaServerEvaluator({
          serverUrl: server.url,
          timeoutMs: 2000,
          logger,
        }),
    );

    it('fails, naming the server, when it does not answer', async () => {
      const evaluator = new OpaServerEvaluator({
        serverUrl: 'http://127.0.0.1:9',
        timeoutMs: 500,
        logger,
      });
      await expect(evaluator.evaluate(policyInput())).rejects.toThrow(
        /OPA server http:\/\/127\.0\.0\.1:9 cannot be reached/,
      );
    });
  });

  it('takes a rebuilt bundle without a restart, and keeps it when a broken one follows', async () => {
    const policies = await copyPolicies();
    const liveDir = await mkdtemp(join(tmpdir(), 'idp-policy-live-'));
    const live = await buildBundle(liveDir, policies);
    const evaluator = await WasmPolicyEvaluator.create({
      bundlePath: live,
      logger,
      watchIntervalMs: 50,
    });
    const fromGhcrOther = policyInput({
      deployment: {
        image: 'quay.io/acme/shop:1.2.3',
        repository: 'quay.io/acme/shop',
        registry: 'quay.io',
      },
      environment: { image: 'quay.io/acme/shop:1.2.3' },
    });
    try {
      const before = await evaluator.evaluate(fromGhcrOther);
      expect(rulesOf(before!.deny)).toContain('deployments.allowed_registries');

      await editPolicyData(policies, config => {
        config.registries.push('quay.io/acme');
      });
      await buildBundle(liveDir, policies);
      await eventually(async () => {
        const after = await evaluator.evaluate(fromGhcrOther);
        expect(after!.deny).toEqual([]);
        expect(after!.revision).not.toBe(before!.revision);
      });
      const good = evaluator.revision();

      await writeFile(`${live}.tmp`, 'not a bundle');
      await rename(`${live}.tmp`, live);
      await new Promise(r => setTimeout(r, 300));
      await evaluator.settled();
      expect(evaluator.revision()).toBe(good);
      expect((await evaluator.evaluate(fromGhcrOther))!.deny).toEqual([]);
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringContaining('was not loaded, still deciding with revision'),
      );
    } finally {
      await evaluator.close();
      await rm(policies, { recursive: true, force: true });
      await rm(liveDir, { recursive: true, force: true });
    }
  });
});
