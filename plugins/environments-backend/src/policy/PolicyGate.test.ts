import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { PolicyInput } from '@internal/backstage-plugin-environments-common';
import { NewPolicyDecision } from '../model';
import { PolicyDeniedError } from './PolicyDeniedError';
import { PolicyEvaluator } from './PolicyEvaluator';
import { EVALUATION_FAILED_RULE, PolicyGate } from './PolicyGate';
import {
  PolicyInputBuilder,
  PolicyRequest,
  localClock,
} from './PolicyInputBuilder';
import { policyInput } from './__testUtils__/opa';

/** An evaluator that answers what the test says, and remembers what it was asked. */
function fakeEvaluator(
  answer: (input: PolicyInput) => ReturnType<PolicyEvaluator['evaluate']>,
): PolicyEvaluator & { inputs: PolicyInput[] } {
  const inputs: PolicyInput[] = [];
  return {
    mode: 'embedded',
    inputs,
    evaluate: async input => {
      inputs.push(input);
      return answer(input);
    },
    rules: async () => ({ items: [] }),
    close: async () => {},
  };
}

const request: PolicyRequest = {
  action: 'deployment.deploy',
  environment: {
    id: 'env-1',
    name: 'staging',
    type: 'staging',
    componentRef: 'component:default/shop',
    ownerRef: 'group:default/team-a',
  },
  deployment: { image: 'registry.local/shop:1.2.3', replicas: 2, message: 'm' },
};

function gate(
  evaluator: PolicyEvaluator | undefined,
  failureMode: 'closed' | 'open' = 'closed',
) {
  const recorded: NewPolicyDecision[] = [];
  const audited: unknown[] = [];
  const inputs = {
    build: async () => policyInput(),
  } as unknown as PolicyInputBuilder;
  return {
    recorded,
    audited,
    gate: new PolicyGate({
      evaluator,
      inputs,
      decisions: {
        recordDecision: async decision => {
          recorded.push(decision);
          return { ...decision, id: 1, at: new Date() };
        },
        listDecisions: async () => [],
      },
      environments: {
        appendAuditEvent: async event => {
          audited.push(event);
          return { ...event, id: 1, at: new Date(), message: event.message };
        },
      },
      failureMode,
      logger: mockServices.logger.mock(),
    }),
  };
}

const credentials = mockCredentials.user('user:default/jane');

describe('PolicyGate', () => {
  it('hands an allowed decision back for the change to store, with its warnings', async () => {
    const { gate: g, recorded } = gate(
      fakeEvaluator(async () => ({
        revision: 'r1',
        deny: [],
        warn: [{ rule: 'a.b', message: 'consider it' }],
      })),
    );
    const check = await g.check(request, credentials);
    expect(check.result).toEqual({
      outcome: 'warn',
      revision: 'r1',
      warnings: [{ rule: 'a.b', message: 'consider it' }],
    });
    expect(check.decision).toMatchObject({ outcome: 'warn', revision: 'r1' });
    // Stored by the change itself, in its transaction: not here.
    expect(recorded).toEqual([]);
  });

  it('refuses a denial with a 403 NotAllowedError listing every message, recorded and audited', async () => {
    const deny = [
      { rule: 'x.one', message: 'first' },
      { rule: 'x.two', message: 'second' },
    ];
    const {
      gate: g,
      recorded,
      audited,
    } = gate(fakeEvaluator(async () => ({ revision: 'r2', deny, warn: [] })));
    const error = await g.check(request, credentials).catch(e => e);
    expect(error).toBeInstanceOf(PolicyDeniedError);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error).toMatchObject({
      name: 'PolicyDeniedError',
      statusCode: 403,
      violations: deny,
      revision: 'r2',
    });
    expect(error.message).toBe(
      'Refused by policy: first (x.one); second (x.two)',
    );
    expect(recorded).toEqual([
      expect.objectContaining({
        outcome: 'deny',
        environmentId: 'env-1',
        deny,
      }),
    ]);
    expect(audited).toEqual([
      expect.objectContaining({ action: 'policy-deny', outcome: 'failed' }),
    ]);
  });

  it('fails closed with a 503 naming the cause when evaluation fails', async () => {
    const { gate: g, recorded } = gate(
      fakeEvaluator(async () => {
        throw new Error('OPA server http://opa did not answer within 2000 ms');
      }),
    );
    await expect(g.check(request, credentials)).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringContaining('did not answer within 2000 ms'),
    });
    expect(recorded[0]).toMatchObject({
      outcome: 'error',
      deny: [expect.objectContaining({ rule: EVALUATION_FAILED_RULE })],
    });
  });

  it('fails open, when configured, with a warning and outcome error', async () => {
    const { gate: g } = gate(
      fakeEvaluator(async () => {
        throw new Error('boom');
      }),
      'open',
    );
    const check = await g.check(request, credentials);
    expect(check.result.outcome).toBe('error');
    expect(check.result.warnings).toEqual([
      expect.objectContaining({ rule: EVALUATION_FAILED_RULE }),
    ]);
  });

  it('lets everything through as off without an evaluator or before a bundle exists', async () => {
    expect(
      (await gate(undefined).gate.check(request, credentials)).result,
    ).toEqual({ outcome: 'off', warnings: [] });
    const notYet = gate(fakeEvaluator(async () => undefined)).gate;
    expect((await notYet.check(request, credentials)).result.outcome).toBe(
      'off',
    );
  });
});

describe('localClock', () => {
  it('gives the weekday and time of the configured zone', () => {
    // Friday 14:30 UTC is 15:30 in Berlin (CET, UTC+1), 09:30 in New York.
    const now = new Date('2026-12-04T14:30:00Z');
    expect(localClock(now, 'Europe/Berlin')).toEqual({
      weekday: 'Friday',
      hour: 15,
      minute: 30,
      timeZone: 'Europe/Berlin',
    });
    expect(
      localClock(new Date('2026-12-04T23:30:00Z'), 'Asia/Tokyo'),
    ).toMatchObject({
      weekday: 'Saturday',
      hour: 8,
    });
    expect(localClock(new Date('2026-12-07T00:05:00Z'), 'UTC')).toMatchObject({
      weekday: 'Monday',
      hour: 0,
      minute: 5,
    });
  });
});
