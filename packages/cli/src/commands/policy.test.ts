import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeBackend, startFakeBackend } from '../testUtils/fakeBackend';
import { runCli } from '../testUtils/runCli';

const registry = {
  rule: 'deployments.allowed_registries',
  message:
    'deployment.image evil.example.com/orders:1 is not from an allowed registry (allowed: registry.local, ghcr.io/acme)',
};
const digest = {
  rule: 'deployments.digest_recommended_for_production',
  message: 'deployment.image ghcr.io/acme/orders-service:1.1.0 has no digest',
};

describe('idp and the platform policies', () => {
  let backend: FakeBackend;
  let env: Record<string, string>;

  beforeEach(async () => {
    backend = await startFakeBackend();
    env = {
      IDP_BACKEND_URL: backend.url,
      IDP_TOKEN: 'token',
      XDG_CONFIG_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'idp-')),
    };
    backend.api.add({
      name: 'development',
      type: 'development',
      status: 'ready',
      spec: {
        componentRef: 'component:default/orders-service',
        type: 'development',
        name: 'development',
        image: 'ghcr.io/acme/orders-service:1.0.0',
        resources: [],
      },
    });
  });

  afterEach(() => backend.close());

  it("lists every rule of a deploy's denial and exits 4", async () => {
    backend.answerNext('POST', /\/deployments$/, 403, {
      error: {
        name: 'PolicyDeniedError',
        message: 'Refused by policy: ...',
        action: 'deployment.deploy',
        revision: 'r1',
        violations: [registry],
        warnings: [],
      },
      request: { method: 'POST', url: '/environments/x/deployments' },
      response: { statusCode: 403 },
    });

    const result = await runCli(
      [
        'deploy',
        'orders-service/development',
        '--image',
        'evil.example.com/orders:1',
      ],
      { env },
    );

    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      `error: denied by the platform's policies (1 rule):\n  ✗ ${registry.message} (${registry.rule})\n`,
    );
  });

  it("prints an accepted deploy's warnings on stderr, leaving -o json as the API's", async () => {
    const first = await runCli(
      ['deploy', 'orders-service/development', '--tag', '1.0.1', '-o', 'json'],
      { env },
    );
    expect(first.stderr).not.toContain('warning:');
    const answer = {
      ...JSON.parse(first.stdout),
      policy: { outcome: 'warn', revision: 'r1', warnings: [digest] },
    };
    backend.answerNext('POST', /\/deployments$/, 201, answer);

    const result = await runCli(
      ['deploy', 'orders-service/development', '--tag', '1.1.0', '-o', 'json'],
      { env },
    );

    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      `warning: ${digest.message} (${digest.rule})\n`,
    );
    expect(JSON.parse(result.stdout).policy.warnings).toEqual([digest]);
  });

  it('lists the active rules and the newest decisions', async () => {
    backend.answerNext('GET', /\/policy\/rules$/, 200, {
      mode: 'embedded',
      revision: 'r1',
      items: [
        {
          rule: registry.rule,
          title: 'Images only from allowed registries',
          description: 'A deployment image must come from an allowed registry.',
          severity: 'deny',
        },
      ],
    });
    const rules = await runCli(['policy', 'rules'], { env });
    expect(rules.code).toBe(0);
    expect(rules.stderr).toContain(
      'Policies evaluated in the backend, bundle revision r1',
    );
    expect(rules.stdout).toMatch(
      /deployments\.allowed_registries\s+deny\s+Images only from allowed registries\s+A deployment image/,
    );

    backend.answerNext('GET', /\/policy\/decisions$/, 200, {
      items: [
        {
          id: 7,
          at: new Date().toISOString(),
          action: 'deployment.deploy',
          actor: 'user:default/jane.doe',
          environmentId: 'e1',
          environmentName: 'development',
          componentRef: 'component:default/orders-service',
          outcome: 'deny',
          revision: 'r1',
          deny: [registry],
          warn: [],
        },
      ],
    });
    const decisions = await runCli(['policy', 'decisions', '--limit', '5'], {
      env,
    });
    expect(decisions.code).toBe(0);
    expect(decisions.stdout).toMatch(
      /jane\.doe\s+deployment\.deploy\s+orders-service\/development\s+deny\s+deployments\.allowed_registries/,
    );
    expect(
      backend.requests
        .find(r => r.path.endsWith('/policy/decisions'))
        ?.query.get('limit'),
    ).toBe('5');

    const bad = await runCli(['policy', 'decisions', '--limit', '0'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--limit');
  });
});
