import { eventHint } from './eventHints';

// Messages as kubelet, the scheduler and the ReplicaSet controller write them.
const warning = (reason: string, message: string) => ({
  type: 'Warning',
  reason,
  message,
});

describe('eventHint', () => {
  it.each([
    [
      'Failed',
      'Failed to pull image "ghcr.io/acme/orders:1.4.3": rpc error: code = NotFound desc = failed to pull and unpack image: not found',
    ],
    ['Failed', 'Error: ErrImagePull'],
    ['Failed', 'Error: ImagePullBackOff'],
    ['BackOff', 'Back-off pulling image "ghcr.io/acme/orders:1.4.3"'],
    ['ErrImagePull', 'pull access denied for acme/orders'],
    [
      'InspectFailed',
      'Failed to apply default image tag "Orders": InvalidImageName',
    ],
  ])('explains a failed image pull (%s: %s)', (reason, message) => {
    const hint = eventHint(warning(reason, message));

    expect(hint).toMatch(/cannot pull the container image/);
    expect(hint).toMatch(/name and tag/);
    expect(hint).toMatch(/credentials/);
  });

  it('names the image it could not pull', () => {
    expect(
      eventHint(
        warning(
          'Failed',
          'Failed to pull image "ghcr.io/acme/orders:1.4.3": not found',
        ),
      ),
    ).toMatch(/image ghcr\.io\/acme\/orders:1\.4\.3\./);
  });

  it.each([
    [
      'BackOff',
      'Back-off restarting failed container orders in pod orders-7d9f_env(…)',
    ],
    ['CrashLoopBackOff', 'container orders is in CrashLoopBackOff'],
  ])(
    'sends a crash loop to the logs of the previous container (%s)',
    (reason, message) => {
      const hint = eventHint(warning(reason, message));

      expect(hint).toMatch(/keeps exiting/);
      expect(hint).toMatch(/logs of the previous container/);
    },
  );

  it('points an exceeded quota at the ResourceQuota and the overrides', () => {
    const hint = eventHint(
      warning(
        'FailedCreate',
        'Error creating: pods "orders-7d9f-x2" is forbidden: exceeded quota: environment-quota, requested: limits.cpu=500m, used: limits.cpu=2, limited: limits.cpu=2',
      ),
    );

    expect(hint).toMatch(/ResourceQuota \(environment-quota\)/);
    expect(hint).toMatch(/overrides, within its type's bounds/);
  });

  it('gives no quota hint for a FailedCreate with another cause', () => {
    expect(
      eventHint(
        warning(
          'FailedCreate',
          'Error creating: pods "orders-7d9f-x2" is forbidden: error looking up service account env/orders: serviceaccount "orders" not found',
        ),
      ),
    ).toBeUndefined();
  });

  it('explains a pod no node can fit, naming what is short', () => {
    const hint = eventHint(
      warning(
        'FailedScheduling',
        '0/3 nodes are available: 2 Insufficient cpu, 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
      ),
    );

    expect(hint).toMatch(
      /No node can run the pod \(not enough cpu and memory\)/,
    );
    expect(hint).toMatch(/requests are larger/);
  });

  it('tells a pod waiting for its volume from one that does not fit', () => {
    const hint = eventHint(
      warning(
        'FailedScheduling',
        '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
      ),
    );

    expect(hint).toMatch(/waits for its volume/);
  });

  it('explains an OOM kill before the crash loop it causes', () => {
    expect(
      eventHint(
        warning(
          'BackOff',
          'Back-off restarting failed container orders (last state: OOMKilled)',
        ),
      ),
    ).toMatch(/more memory than its limit/);
    expect(
      eventHint(
        warning(
          'OOMKilling',
          'Memory cgroup out of memory: Killed process 4242 (node)',
        ),
      ),
    ).toMatch(/OOMKilled/);
    expect(
      eventHint(warning('OOMKilled', 'Container orders was OOMKilled')),
    ).toMatch(/raise the environment's memory override/i);
  });

  it('leaves normal events and unknown warnings without a hint', () => {
    expect(
      eventHint({
        type: 'Normal',
        reason: 'Pulling',
        message: 'Pulling image "ghcr.io/acme/orders:1.4.3"',
      }),
    ).toBeUndefined();
    expect(
      eventHint({
        type: 'Normal',
        reason: 'Scheduled',
        message: 'Successfully assigned env/orders-7d9f-x2 to node-1',
      }),
    ).toBeUndefined();
    expect(
      eventHint(
        warning(
          'Unhealthy',
          'Readiness probe failed: HTTP probe failed with statuscode: 503',
        ),
      ),
    ).toBeUndefined();
  });

  it('explains a container that refers to a secret the environment does not have', () => {
    const hint = eventHint(
      warning(
        'Failed',
        "Error: couldn't find key db-password in Secret orders-dev/workload-secrets",
      ),
    );
    expect(hint).toContain(
      'refers to the secret db-password, which is not set in this environment',
    );
    expect(
      eventHint(warning('CreateContainerConfigError', 'secret "x" not found')),
    ).toContain('refers to a secret that is not set in this environment');
  });
});
