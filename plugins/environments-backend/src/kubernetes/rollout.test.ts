import { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { DEPLOYMENT_ID_ANNOTATION } from './labels';
import { observeRolloutOf } from './rollout';

type DeploymentFixture = {
  id?: string;
  replicas?: number;
  generation?: number;
  observedGeneration?: number;
  status?: V1Deployment['status'];
};

function deployment({
  id = 'dep-2',
  replicas = 2,
  generation = 3,
  observedGeneration = generation,
  status = {},
}: DeploymentFixture = {}): V1Deployment {
  return {
    metadata: { name: 'orders', namespace: 'orders-dev', generation },
    spec: {
      replicas,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { app: 'orders' } },
      template: {
        metadata: id ? { annotations: { [DEPLOYMENT_ID_ANNOTATION]: id } } : {},
      },
    },
    status: { observedGeneration, ...status },
  };
}

function pod(
  name: string,
  id: string | undefined,
  waiting?: { reason: string; message?: string },
  options: { init?: boolean; deleting?: boolean } = {},
): V1Pod {
  const statuses = [
    {
      name: 'orders',
      image: 'registry.invalid/acme/orders:broken',
      imageID: '',
      ready: false,
      restartCount: 0,
      state: waiting ? { waiting } : { running: {} },
    },
  ];
  return {
    metadata: {
      name,
      ...(id && { annotations: { [DEPLOYMENT_ID_ANNOTATION]: id } }),
      ...(options.deleting && { deletionTimestamp: new Date() }),
    },
    status: options.init
      ? { initContainerStatuses: statuses }
      : { containerStatuses: statuses },
  };
}

const done = {
  replicas: 2,
  updatedReplicas: 2,
  availableReplicas: 2,
  readyReplicas: 2,
};

describe('observeRolloutOf', () => {
  it('says absent when there is no Deployment', () => {
    expect(observeRolloutOf(undefined, [])).toEqual({ phase: 'absent' });
  });

  it('says complete once every replica is updated and available, and no old one is left', () => {
    expect(observeRolloutOf(deployment({ status: done }), [])).toEqual({
      phase: 'complete',
      deploymentId: 'dep-2',
    });
  });

  it('is still progressing while old replicas run', () => {
    expect(
      observeRolloutOf(
        deployment({ status: { ...done, replicas: 3, availableReplicas: 3 } }),
        [],
      ),
    ).toEqual({
      phase: 'progressing',
      deploymentId: 'dep-2',
      message: '2 of 2 replicas updated, 3 available, 1 old still running',
    });
  });

  it('says how far it got while progressing', () => {
    expect(
      observeRolloutOf(
        deployment({
          status: { replicas: 2, updatedReplicas: 1, availableReplicas: 0 },
        }),
        [],
      ),
    ).toEqual({
      phase: 'progressing',
      deploymentId: 'dep-2',
      message: '1 of 2 replicas updated, 0 available, 1 old still running',
    });
  });

  it('waits for the controller to observe the new generation, whatever the old status said', () => {
    const observation = observeRolloutOf(
      deployment({
        generation: 4,
        observedGeneration: 3,
        status: {
          ...done,
          conditions: [
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: 'old',
            },
          ],
        },
      }),
      [],
    );
    expect(observation).toEqual({
      phase: 'progressing',
      deploymentId: 'dep-2',
      message: 'Waiting for the Deployment controller to observe generation 4',
    });
  });

  it('says complete for 0 replicas once observed', () => {
    expect(
      observeRolloutOf(deployment({ replicas: 0, status: {} }), []),
    ).toEqual({ phase: 'complete', deploymentId: 'dep-2' });
    expect(
      observeRolloutOf(
        deployment({ replicas: 0, generation: 2, observedGeneration: 1 }),
        [],
      ).phase,
    ).toBe('progressing');
  });

  it('has no deploymentId when the template has none', () => {
    expect(observeRolloutOf(deployment({ id: '', status: done }), [])).toEqual({
      phase: 'complete',
    });
  });

  it('fails when the progress deadline is exceeded', () => {
    const observation = observeRolloutOf(
      deployment({
        status: {
          replicas: 2,
          updatedReplicas: 1,
          availableReplicas: 1,
          conditions: [
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: 'ReplicaSet "orders-5d8f" has timed out progressing.',
            },
          ],
        },
      }),
      [],
    );
    expect(observation).toEqual({
      phase: 'failed',
      deploymentId: 'dep-2',
      reason: 'ProgressDeadlineExceeded',
      message:
        'The rollout made no progress within its deadline (600 s): ReplicaSet "orders-5d8f" has timed out progressing.; 1 of 2 replicas updated, 1 available, 1 old still running',
    });
  });

  it("fails on a ReplicaFailure, with Kubernetes' message and the quota hint", () => {
    const message =
      'pods "orders-5d8f-abcde" is forbidden: exceeded quota: environment-quota, requested: limits.cpu=2, used: limits.cpu=1, limited: limits.cpu=2';
    const observation = observeRolloutOf(
      deployment({
        status: {
          replicas: 1,
          updatedReplicas: 1,
          availableReplicas: 1,
          conditions: [
            {
              type: 'ReplicaFailure',
              status: 'True',
              reason: 'FailedCreate',
              message,
            },
          ],
        },
      }),
      [],
    );
    expect(observation).toMatchObject({
      phase: 'failed',
      reason: 'FailedCreate',
    });
    const text = (observation as { message: string }).message;
    expect(text).toContain(message);
    expect(text).toContain("The namespace's ResourceQuota (environment-quota)");
  });

  it.each([
    [
      'ImagePullBackOff',
      'Back-off pulling image "registry.invalid/acme/orders:broken": ErrImagePull: not found',
      /Kubernetes cannot pull the container image/,
    ],
    [
      'InvalidImageName',
      'Failed to apply default image tag "Orders:1": couldn\'t parse image name',
      /Kubernetes cannot pull the container image/,
    ],
    [
      'CrashLoopBackOff',
      'back-off 40s restarting failed container=orders pod=orders-5d8f-abcde',
      /The container keeps exiting/,
    ],
    [
      'CreateContainerConfigError',
      "couldn't find key db-password in Secret orders-dev/workload-secrets",
      /refers to the secret db-password, which is not set in this environment/,
    ],
    [
      'CreateContainerError',
      'failed to reserve container name "orders"',
      // No hint of ours: Kubernetes' message is the end of it.
      /container name "orders"$/,
    ],
  ])(
    'fails when a pod of the deployment waits with %s, naming the pod, the reason, the message and the hint',
    (reason, message, hint) => {
      const observation = observeRolloutOf(
        deployment({
          status: { replicas: 2, updatedReplicas: 2, availableReplicas: 0 },
        }),
        [
          pod('orders-5d8f-ok', 'dep-2'),
          pod('orders-5d8f-abcde', 'dep-2', { reason, message }),
        ],
      );
      expect(observation).toMatchObject({
        phase: 'failed',
        deploymentId: 'dep-2',
        reason,
      });
      const text = (observation as { message: string }).message;
      expect(text).toContain(
        `Pod orders-5d8f-abcde: container orders is waiting with ${reason}: ${message}`,
      );
      expect(text).toMatch(hint);
    },
  );

  it('fails on an init container that cannot start too', () => {
    expect(
      observeRolloutOf(deployment({ status: { replicas: 2 } }), [
        pod(
          'orders-5d8f-abcde',
          'dep-2',
          { reason: 'ImagePullBackOff' },
          { init: true },
        ),
      ]),
    ).toMatchObject({ phase: 'failed', reason: 'ImagePullBackOff' });
  });

  it('waits out a first ErrImagePull, which the kubelet retries', () => {
    expect(
      observeRolloutOf(deployment({ status: { replicas: 2 } }), [
        pod('orders-5d8f-abcde', 'dep-2', { reason: 'ErrImagePull' }),
      ]),
    ).toMatchObject({ phase: 'progressing' });
  });

  it("ignores the pods of another deployment (the old ReplicaSet's), pods going away, and waits that end", () => {
    const observation = observeRolloutOf(
      deployment({
        status: { replicas: 3, updatedReplicas: 1, availableReplicas: 2 },
      }),
      [
        pod('orders-old-1', 'dep-1', { reason: 'CrashLoopBackOff' }),
        pod(
          'orders-5d8f-gone',
          'dep-2',
          { reason: 'ImagePullBackOff' },
          { deleting: true },
        ),
        pod('orders-5d8f-new', 'dep-2', { reason: 'ContainerCreating' }),
      ],
    );
    expect(observation).toEqual({
      phase: 'progressing',
      deploymentId: 'dep-2',
      message: '1 of 2 replicas updated, 2 available, 2 old still running',
    });
  });
});
