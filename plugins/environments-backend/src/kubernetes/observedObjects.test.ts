import { toEnvironmentEvent, toEnvironmentPod } from './observedObjects';

describe('toEnvironmentPod', () => {
  it('shows a crash-looping container with why it is waiting and why it last ended', () => {
    const pod = toEnvironmentPod({
      metadata: {
        name: 'orders-7d9f-x2',
        creationTimestamp: new Date('2026-11-21T09:00:00Z'),
      },
      spec: {
        nodeName: 'node-1',
        containers: [
          { name: 'orders', image: 'ghcr.io/acme/orders:1.4.2' },
          { name: 'proxy', image: 'envoyproxy/envoy:v1.31' },
        ],
      },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [
          {
            name: 'orders',
            image: 'ghcr.io/acme/orders:1.4.2',
            imageID: '',
            ready: false,
            restartCount: 4,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
          },
          {
            name: 'proxy',
            image: 'envoyproxy/envoy:v1.31',
            imageID: '',
            ready: true,
            restartCount: 1,
            state: { running: { startedAt: new Date() } },
          },
        ],
      },
    });

    expect(pod).toEqual({
      name: 'orders-7d9f-x2',
      phase: 'Running',
      ready: false,
      restarts: 5,
      createdAt: '2026-11-21T09:00:00.000Z',
      nodeName: 'node-1',
      containers: [
        {
          name: 'orders',
          image: 'ghcr.io/acme/orders:1.4.2',
          ready: false,
          restartCount: 4,
          state: 'waiting',
          reason: 'CrashLoopBackOff',
          lastTerminationReason: 'OOMKilled',
        },
        {
          name: 'proxy',
          image: 'envoyproxy/envoy:v1.31',
          ready: true,
          restartCount: 1,
          state: 'running',
        },
      ],
    });
  });

  it('shows a pod that is not scheduled yet with waiting containers from its spec', () => {
    const pod = toEnvironmentPod({
      metadata: {
        name: 'orders-7d9f-x3',
        creationTimestamp: new Date('2026-11-21T09:00:00Z'),
      },
      spec: {
        containers: [{ name: 'orders', image: 'ghcr.io/acme/orders:1' }],
      },
      status: { phase: 'Pending' },
    });

    expect(pod).toEqual({
      name: 'orders-7d9f-x3',
      phase: 'Pending',
      ready: false,
      restarts: 0,
      createdAt: '2026-11-21T09:00:00.000Z',
      containers: [
        {
          name: 'orders',
          image: 'ghcr.io/acme/orders:1',
          ready: false,
          restartCount: 0,
          state: 'waiting',
        },
      ],
    });
  });

  it('shows a finished container as terminated with its reason', () => {
    const pod = toEnvironmentPod({
      metadata: { name: 'job-1', creationTimestamp: new Date() },
      spec: { containers: [{ name: 'job', image: 'busybox' }] },
      status: {
        phase: 'Succeeded',
        containerStatuses: [
          {
            name: 'job',
            image: 'busybox',
            imageID: '',
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode: 0, reason: 'Completed' } },
          },
        ],
      },
    });

    expect(pod.containers[0]).toMatchObject({
      state: 'terminated',
      reason: 'Completed',
    });
  });
});

describe('toEnvironmentEvent', () => {
  it('reads an event of the older shape, with its count and hint', () => {
    expect(
      toEnvironmentEvent({
        metadata: { name: 'orders.1' },
        involvedObject: { kind: 'Pod', name: 'orders-7d9f-x2' },
        type: 'Warning',
        reason: 'BackOff',
        message:
          'Back-off restarting failed container orders in pod orders-7d9f-x2',
        count: 7,
        firstTimestamp: new Date('2026-11-21T09:00:00Z'),
        lastTimestamp: new Date('2026-11-21T09:06:00Z'),
      }),
    ).toEqual({
      type: 'Warning',
      reason: 'BackOff',
      message:
        'Back-off restarting failed container orders in pod orders-7d9f-x2',
      object: { kind: 'Pod', name: 'orders-7d9f-x2' },
      count: 7,
      firstSeen: '2026-11-21T09:00:00.000Z',
      lastSeen: '2026-11-21T09:06:00.000Z',
      hint: expect.stringMatching(/keeps exiting/),
    });
  });

  it('reads an event of the newer shape, as the scheduler writes it', () => {
    const once = toEnvironmentEvent({
      metadata: { name: 'orders.2' },
      involvedObject: { kind: 'Pod', name: 'orders-7d9f-x2' },
      type: 'Normal',
      reason: 'Scheduled',
      message: 'Successfully assigned env/orders-7d9f-x2 to node-1',
      eventTime: new Date('2026-11-21T09:00:00.123456Z'),
      // As the API server sends them: null, not left out.
      firstTimestamp: null as unknown as undefined,
      lastTimestamp: null as unknown as undefined,
    });
    const repeated = toEnvironmentEvent({
      metadata: { name: 'orders.3' },
      involvedObject: { kind: 'Pod', name: 'orders-7d9f-x3' },
      type: 'Warning',
      reason: 'FailedScheduling',
      message: '0/2 nodes are available: 2 Insufficient memory.',
      eventTime: new Date('2026-11-21T09:00:00Z'),
      series: {
        count: 3,
        lastObservedTime: new Date('2026-11-21T09:05:00Z'),
      },
    });

    expect(once).toEqual({
      type: 'Normal',
      reason: 'Scheduled',
      message: 'Successfully assigned env/orders-7d9f-x2 to node-1',
      object: { kind: 'Pod', name: 'orders-7d9f-x2' },
      count: 1,
      firstSeen: '2026-11-21T09:00:00.123Z',
      lastSeen: '2026-11-21T09:00:00.123Z',
    });
    expect(repeated).toMatchObject({
      count: 3,
      firstSeen: '2026-11-21T09:00:00.000Z',
      lastSeen: '2026-11-21T09:05:00.000Z',
      hint: expect.stringMatching(/not enough memory/),
    });
  });
});
