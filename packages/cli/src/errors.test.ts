import { ResponseError } from '@backstage/errors';
import { describeFailure, exitCodeOf } from './errors';
import { EXIT } from './exitCodes';
import { colorsFor } from './output/color';
import { policyWarningLines } from './output/policy';

const plain = colorsFor({ write: () => true }, {}, false);

const registry = {
  rule: 'deployments.allowed_registries',
  message:
    'deployment.image evil.example.com/orders:1 is not from an allowed registry (allowed: registry.local, ghcr.io/acme)',
};
const freeze = {
  rule: 'deployments.change_freeze',
  message: 'production is frozen (Weekend freeze) until Monday 00:00',
};
const digest = {
  rule: 'deployments.digest_recommended_for_production',
  message: 'deployment.image ghcr.io/acme/orders:1 has no digest',
};

function policyDenial() {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: {
          name: 'PolicyDeniedError',
          message: 'Refused by policy: ...',
          action: 'deployment.deploy',
          revision: 'r1',
          violations: [registry, freeze],
          warnings: [digest],
        },
        request: { method: 'POST', url: '/environments/e1/deployments' },
        response: { statusCode: 403 },
      }),
      { status: 403, headers: { 'Content-Type': 'application/json' } },
    ) as any,
  );
}

describe('what idp says about the platform policies', () => {
  it('lists every rule of a denial on its own line, and exits as not allowed', async () => {
    const error = await policyDenial();

    expect(describeFailure(error, { colors: plain })).toBe(
      [
        "error: denied by the platform's policies (2 rules):",
        `  ✗ ${registry.message} (${registry.rule})`,
        `  ✗ ${freeze.message} (${freeze.rule})`,
        `  ! ${digest.message} (${digest.rule})`,
        '',
      ].join('\n'),
    );
    expect(exitCodeOf(error)).toBe(EXIT.notAllowed);
  });

  it("prints an accepted change's warnings with their rules", () => {
    expect(policyWarningLines([digest], plain)).toEqual([
      `warning: ${digest.message} (${digest.rule})`,
    ]);
    expect(policyWarningLines(undefined, plain)).toEqual([]);
  });
});
