import { V1Deployment, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { workloadConditions } from './workloadConditions';

function deployment(
  name: string,
  status: V1Deployment['status'],
  replicas = 1,
): V1Deployment {
  return {
    metadata: { name, generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: {},
    },
    status: { observedGeneration: 1, ...status },
  };
}

function statefulSet(
  name: string,
  status: Partial<NonNullable<V1StatefulSet['status']>>,
): V1StatefulSet {
  return {
    metadata: { name, generation: 1 },
    spec: {
      replicas: 1,
      serviceName: name,
      selector: { matchLabels: { 'app.kubernetes.io/instance': name } },
      template: {},
    },
    status: { observedGeneration: 1, replicas: 1, ...status },
  };
}

function pod(
  name: string,
  labels: Record<string, string>,
  status: V1Pod['status'],
): V1Pod {
  return { metadata: { name, labels }, status };
}

describe('workloadConditions', () => {
  it('is ready when every replica is available and up to date', () => {
    expect(
      workloadConditions({
        deployments: [
          deployment(
            'orders-service',
            { availableReplicas: 2, updatedReplicas: 2 },
            2,
          ),
        ],
        statefulSets: [
          statefulSet('orders-db', {
            availableReplicas: 1,
            updatedReplicas: 1,
          }),
        ],
      }),
    ).toEqual([
      {
        kind: 'Deployment',
        name: 'orders-service',
        status: 'ready',
        reason: 'ReplicasAvailable',
        message: '2 of 2 replicas available',
      },
      {
        kind: 'StatefulSet',
        name: 'orders-db',
        status: 'ready',
        reason: 'ReplicasAvailable',
        message: '1 of 1 replicas available',
      },
    ]);
  });

  it("fails a workload whose pod cannot pull its image, with the pod's reason", () => {
    const [condition] = workloadConditions({
      deployments: [deployment('orders-service', { updatedReplicas: 1 })],
      statefulSets: [],
      pods: [
        pod(
          'orders-service-7d9c-x2x4q',
          { 'app.kubernetes.io/name': 'orders-service' },
          {
            phase: 'Pending',
            containerStatuses: [
              {
                name: 'orders-service',
                image: 'registry.acme.example/orders-service:nope',
                imageID: '',
                ready: false,
                restartCount: 0,
                state: {
                  waiting: {
                    reason: 'ImagePullBackOff',
                    message:
                      'Back-off pulling image "registry.acme.example/orders-service:nope"',
                  },
                },
              },
            ],
          },
        ),
      ],
    });

    expect(condition).toEqual({
      kind: 'Deployment',
      name: 'orders-service',
      status: 'failed',
      reason: 'ImagePullBackOff',
      message:
        'Pod orders-service-7d9c-x2x4q, container orders-service: Back-off pulling image "registry.acme.example/orders-service:nope"',
    });
  });

  it('says why a pod waits to be scheduled, and attributes pods to their own workload only', () => {
    const conditions = workloadConditions({
      deployments: [deployment('orders-service', { updatedReplicas: 1 })],
      statefulSets: [statefulSet('orders-db', {})],
      pods: [
        pod(
          'orders-db-0',
          { 'app.kubernetes.io/instance': 'orders-db' },
          {
            phase: 'Pending',
            conditions: [
              {
                type: 'PodScheduled',
                status: 'False',
                reason: 'Unschedulable',
                message: 'pod has unbound immediate PersistentVolumeClaims',
              },
            ],
          },
        ),
      ],
    });

    expect(conditions).toEqual([
      {
        kind: 'Deployment',
        name: 'orders-service',
        status: 'pending',
        reason: 'ReplicasUnavailable',
        message: '0 of 1 replicas available, 1 up to date',
      },
      {
        kind: 'StatefulSet',
        name: 'orders-db',
        status: 'pending',
        reason: 'Unschedulable',
        message:
          'Pod orders-db-0: pod has unbound immediate PersistentVolumeClaims',
      },
    ]);
  });

  it('fails a Deployment that gave up progressing', () => {
    const [condition] = workloadConditions({
      deployments: [
        deployment('orders-service', {
          conditions: [
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message:
                'ReplicaSet "orders-service-7d9c" has timed out progressing.',
            },
          ],
        }),
      ],
      statefulSets: [],
    });

    expect(condition).toMatchObject({
      status: 'failed',
      reason: 'ProgressDeadlineExceeded',
    });
  });

  it('is pending while the controller has not seen the latest generation', () => {
    const [condition] = workloadConditions({
      deployments: [
        {
          ...deployment('orders-service', {
            availableReplicas: 1,
            updatedReplicas: 1,
          }),
          metadata: { name: 'orders-service', generation: 2 },
        },
      ],
      statefulSets: [],
    });

    expect(condition.status).toBe('pending');
  });
});
