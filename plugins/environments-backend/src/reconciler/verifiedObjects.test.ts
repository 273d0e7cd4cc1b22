import { KubernetesObject } from '@kubernetes/client-node';
import { VerifiedObjects } from './verifiedObjects';

const object = (kind: string, name: string, data = 'a'): KubernetesObject =>
  ({
    apiVersion: 'v1',
    kind,
    metadata: { name, namespace: 'ns' },
    data: { value: data },
  } as KubernetesObject);

const converged = { converged: true };

describe('VerifiedObjects', () => {
  let now: number;
  let verified: VerifiedObjects;
  const objects = [
    object('Deployment', 'web', 'v1'),
    object('Service', 'web'),
    object('ConfigMap', 'settings'),
  ];

  beforeEach(() => {
    now = 1_000_000;
    verified = new VerifiedObjects(60_000, () => now);
  });

  it('applies everything, and prunes, when nothing was verified', () => {
    expect(verified.plan('env', 1, objects, converged)).toEqual({
      objects,
      prune: true,
      incremental: false,
      hashes: expect.any(Map),
    });
  });

  it('applies only what changed since a whole reconcile at the same generation, without pruning', () => {
    verified.applied('env', 1, verified.plan('env', 1, objects, converged));
    const deployed = [object('Deployment', 'web', 'v2'), ...objects.slice(1)];
    expect(verified.plan('env', 1, deployed, converged)).toEqual({
      objects: [deployed[0]],
      prune: false,
      incremental: true,
      hashes: expect.any(Map),
    });
    expect(verified.plan('env', 1, objects, converged).objects).toEqual([]);
  });

  it('remembers what an incremental apply changed, within the same window', () => {
    verified.applied('env', 1, verified.plan('env', 1, objects, converged));
    const deployed = [object('Deployment', 'web', 'v2'), ...objects.slice(1)];
    now += 50_000;
    verified.applied('env', 1, verified.plan('env', 1, deployed, converged));
    expect(verified.plan('env', 1, deployed, converged).objects).toEqual([]);
    // The window is the whole reconcile's: an incremental one does not extend it.
    now += 10_000;
    expect(verified.plan('env', 1, deployed, converged)).toMatchObject({
      objects: deployed,
      prune: true,
      incremental: false,
      hashes: expect.any(Map),
    });
  });

  it('is whole again at another generation, after the window, or once forgotten', () => {
    verified.applied('env', 1, verified.plan('env', 1, objects, converged));
    expect(verified.plan('env', 2, objects, converged).incremental).toBe(false);
    expect(verified.plan('other', 1, objects, converged).incremental).toBe(
      false,
    );
    now += 60_000;
    expect(verified.plan('env', 1, objects, converged).incremental).toBe(false);
    now -= 60_000;
    verified.forget('env');
    expect(verified.plan('env', 1, objects, converged).incremental).toBe(false);
  });

  it('prunes when the set of objects changed', () => {
    verified.applied('env', 1, verified.plan('env', 1, objects, converged));
    const fewer = objects.slice(0, 2);
    expect(verified.plan('env', 1, fewer, converged)).toEqual({
      objects: [],
      prune: true,
      incremental: true,
      hashes: expect.any(Map),
    });
    const more = [...objects, object('Secret', 'extra')];
    expect(verified.plan('env', 1, more, converged)).toEqual({
      objects: [more[3]],
      prune: true,
      incremental: true,
      hashes: expect.any(Map),
    });
  });
});
