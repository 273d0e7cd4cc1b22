import { ResponseError } from '@backstage/errors';
import { EnvironmentsClient } from './EnvironmentsClient';
import { policyDenialOf } from './policyDenial';

/** A backend that answers every request with `body` and `status`. */
function clientAnswering(body: object, status = 200) {
  const fetch = jest.fn<Promise<Response>, Parameters<typeof globalThis.fetch>>(
    async () => Response.json(body, { status }),
  );
  const client = new EnvironmentsClient({
    discoveryApi: {
      getBaseUrl: async pluginId => `http://backend.test/api/${pluginId}`,
    },
    fetchApi: { fetch },
  });
  return { client, fetch };
}

const registryDenial = {
  rule: 'deployments.allowed_registries',
  message:
    'image evil.example.com/shop:1 is not from an allowed registry (allowed: registry.local)',
};

describe('EnvironmentsClient policy', () => {
  it('sends a dry run with the body the action would be sent', async () => {
    const { client, fetch } = clientAnswering({
      outcome: 'deny',
      revision: 'abc',
      deny: [registryDenial],
      warn: [],
    });

    await expect(
      client.evaluatePolicy({
        action: 'deployment.deploy',
        environmentId: 'e1',
        request: { image: 'evil.example.com/shop:1' },
      }),
    ).resolves.toEqual({
      outcome: 'deny',
      revision: 'abc',
      deny: [registryDenial],
      warn: [],
    });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('http://backend.test/api/environments/policy/evaluate');
    expect(init?.method).toBe('POST');
    expect(JSON.parse(String(init?.body))).toEqual({
      action: 'deployment.deploy',
      environmentId: 'e1',
      request: { image: 'evil.example.com/shop:1' },
    });
  });

  it('lists the rules, and the decisions with the query asked for', async () => {
    const rules = clientAnswering({ mode: 'embedded', items: [] });
    await expect(rules.client.listPolicyRules()).resolves.toEqual({
      mode: 'embedded',
      items: [],
    });
    expect(rules.fetch.mock.calls[0][0]).toBe(
      'http://backend.test/api/environments/policy/rules',
    );

    const decisions = clientAnswering({ items: [] });
    await decisions.client.listPolicyDecisions({
      limit: 20,
      environmentId: 'e1',
    });
    expect(decisions.fetch.mock.calls[0][0]).toBe(
      'http://backend.test/api/environments/policy/decisions?limit=20&environmentId=e1',
    );
  });

  it("reads a policy's denial from a 403, and nothing from another 403", async () => {
    const denied = clientAnswering(
      {
        error: {
          name: 'PolicyDeniedError',
          message: 'Refused by policy: ...',
          action: 'deployment.deploy',
          revision: 'abc',
          violations: [registryDenial],
          warnings: [],
        },
        response: { statusCode: 403 },
      },
      403,
    );
    const failure = await denied.client
      .deploy('e1', { image: 'evil.example.com/shop:1' })
      .catch(error => error);
    expect(failure).toBeInstanceOf(ResponseError);
    expect(policyDenialOf(failure)).toEqual({
      action: 'deployment.deploy',
      revision: 'abc',
      violations: [registryDenial],
      warnings: [],
    });

    const forbidden = clientAnswering(
      {
        error: { name: 'NotAllowedError', message: 'Not allowed' },
        response: { statusCode: 403 },
      },
      403,
    );
    const notPolicy = await forbidden.client
      .deploy('e1', { image: 'registry.local/shop:1' })
      .catch(error => error);
    expect(policyDenialOf(notPolicy)).toBeUndefined();
    expect(policyDenialOf(new Error('network down'))).toBeUndefined();
  });
});
