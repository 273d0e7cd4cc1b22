import { AuditEvent } from '@internal/backstage-plugin-environments-common';
import { anEnvironment } from '../../__testUtils__';
import { timelineSteps } from './timelineSteps';

const summary = (steps: ReturnType<typeof timelineSteps>) =>
  steps.map(({ id, state, at }) => ({ id, state, at }));

describe('timelineSteps', () => {
  it('shows a fresh request with everything still to come', () => {
    const steps = timelineSteps(
      anEnvironment({ status: 'requested', conditions: [] }),
      [],
      [],
    );

    expect(summary(steps)).toEqual([
      { id: 'requested', state: 'done', at: '2026-11-21T09:00:00.000Z' },
      { id: 'provisioning', state: 'upcoming', at: undefined },
      { id: 'ready', state: 'upcoming', at: undefined },
    ]);
  });

  it('puts each resource condition between provisioning and ready, in the order they changed', () => {
    const steps = timelineSteps(
      anEnvironment({
        status: 'provisioning',
        reason: 'Waiting for the workloads to become ready',
        conditions: [
          {
            kind: 'Deployment',
            name: 'orders-service',
            status: 'pending',
            reason: 'ReplicasNotReady',
            message: '0 of 1 replicas ready',
            lastTransitionTime: '2026-11-21T09:00:04.000Z',
          },
          {
            kind: 'Namespace',
            name: 'orders-service-pr-1',
            status: 'ready',
            lastTransitionTime: '2026-11-21T09:00:02.000Z',
          },
        ],
      }),
      [{ status: 'provisioning', at: '2026-11-21T09:00:01.000Z' }],
      [],
    );

    expect(summary(steps)).toEqual([
      { id: 'requested', state: 'done', at: '2026-11-21T09:00:00.000Z' },
      {
        id: 'provisioning',
        state: 'current',
        at: '2026-11-21T09:00:01.000Z',
      },
      {
        id: 'condition:Namespace/orders-service-pr-1',
        state: 'done',
        at: '2026-11-21T09:00:02.000Z',
      },
      {
        id: 'condition:Deployment/orders-service',
        state: 'current',
        at: '2026-11-21T09:00:04.000Z',
      },
      { id: 'ready', state: 'upcoming', at: undefined },
    ]);
    expect(steps[1].detail).toBe('Waiting for the workloads to become ready');
    expect(steps[3].detail).toBe('ReplicasNotReady: 0 of 1 replicas ready');
  });

  it('dates a status by the last time it was entered, so an environment provisioned again shows its latest round', () => {
    const steps = timelineSteps(
      anEnvironment({ status: 'provisioning' }),
      [
        { status: 'requested', at: '2026-11-21T09:00:00.000Z' },
        { status: 'provisioning', at: '2026-11-21T09:00:01.000Z' },
        { status: 'ready', at: '2026-11-21T09:00:20.000Z' },
        { status: 'provisioning', at: '2026-11-21T10:00:00.000Z' },
      ],
      [],
    );

    expect(steps.find(step => step.id === 'provisioning')).toMatchObject({
      state: 'current',
      at: '2026-11-21T10:00:00.000Z',
    });
  });

  it('takes the time it became ready from the audit trail when the status history does not have it', () => {
    const audit: AuditEvent[] = [
      {
        id: '2',
        environmentId: 'env-1',
        actor: 'environments-reconciler',
        action: 'provision',
        outcome: 'succeeded',
        at: '2026-11-21T09:00:20.000Z',
      },
    ];

    const steps = timelineSteps(anEnvironment({ status: 'ready' }), [], audit);

    expect(steps.find(step => step.id === 'ready')).toMatchObject({
      state: 'done',
      at: '2026-11-21T09:00:20.000Z',
    });
  });

  it('ends in failure with its reason', () => {
    const steps = timelineSteps(
      anEnvironment({
        status: 'failed',
        reason: 'Provisioning failed: exceeded quota; gave up after 5 attempts',
      }),
      [
        {
          status: 'failed',
          reason:
            'Provisioning failed: exceeded quota; gave up after 5 attempts',
          at: '2026-11-21T09:02:00.000Z',
        },
      ],
      [],
    );

    expect(steps[steps.length - 1]).toEqual({
      id: 'failed',
      title: 'Failed',
      state: 'failed',
      at: '2026-11-21T09:02:00.000Z',
      detail: 'Provisioning failed: exceeded quota; gave up after 5 attempts',
    });
    expect(steps.some(step => step.id === 'ready')).toBe(false);
  });

  it('follows a ready environment to deleted', () => {
    const steps = timelineSteps(
      anEnvironment({ status: 'deleted' }),
      [
        { status: 'ready', at: '2026-11-21T09:00:20.000Z' },
        { status: 'deleting', at: '2026-11-21T09:10:00.000Z' },
        { status: 'deleted', at: '2026-11-21T09:10:05.000Z' },
      ],
      [],
    );

    expect(summary(steps).slice(-3)).toEqual([
      { id: 'ready', state: 'done', at: '2026-11-21T09:00:20.000Z' },
      { id: 'deleting', state: 'done', at: '2026-11-21T09:10:00.000Z' },
      { id: 'deleted', state: 'done', at: '2026-11-21T09:10:05.000Z' },
    ]);
  });
});
