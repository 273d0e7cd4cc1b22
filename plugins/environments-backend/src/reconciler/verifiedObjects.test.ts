import { KubernetesObject } from '@kubernetes/client-node';
import { VerifiedObjects } from './verifiedObjects';

const object = (kind: string, name: string, data = 'a'): KubernetesObject =>
  ({
    apiVersion: 'v1',
    kind,
    metadata: { name, namespace: 'ns' },
    data: { value: data },
  } as KubernetesObject);

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
    expect(verified.plan('env', 1, objects)).toEqual({
      objects,
      prune: true,
      incremental: false,
    });
  });

  it('applies only what changed since a whole reconcile at the same generation, without pruning', () => {
    verified.applied('env', 1, objects, verified.plan('env', 1, objects));
    const deployed = [object('Deployment', 'web', 'v2'), ...objects.slice(1)];
    expect(verified.plan('env', 1, deployed)).toEqual({
      objects: [deployed[0]],
      prune: false,
      incremental: true,
    });
    expect(verified.plan('env', 1, objects).objects).toEqual([]);
  });

  it('remembers what an incremental apply changed, within the same window', () => {
    verified.applied('env', 1, objects, verified.plan('env', 1, objects));
    const deployed = [object('Deployment', 'web', 'v2'), ...objects.slice(1)];
    now += 50_000;
    verified.applied('env', 1, deployed, verified.plan('env', 1, deployed));
    expect(verified.plan('env', 1, deployed).objects).toEqual([]);
    // The window is the whole reconcile's: an incremental one does not extend it.
    now += 10_000;
    expect(verified.plan('env', 1, deployed)).toMatchObject({
      objects: deployed,
      prune: true,
      incremental: false,
    });
  });

  it('is whole again at another generation, after the window, or once forgotten', () => {
    verified.applied('env', 1, objects, verified.plan('env', 1, objects));
    expect(verified.plan('env', 2, objects).incremental).toBe(false);
    expect(verified.plan('other', 1, objects).incremental).toBe(false);
    now += 60_000;
    expect(verified.plan('env', 1, objects).incremental).toBe(false);
    now -= 60_000;
    verified.forget('env');
    expect(verified.plan('env', 1, objects).incremental).toBe(false);
  });

  it('prunes when the set of objects changed', () => {
    verified.applied('env', 1, objects, verified.plan('env', 1, objects));
    const fewer = objects.slice(0, 2);
    expect(verified.plan('env', 1, fewer)).toEqual({
      objects: [],
      prune: true,
      incremental: true,
    });
    const more = [...objects, object('Secret', 'extra')];
    expect(verified.plan('env', 1, more)).toEqual({
      objects: [more[3]],
      prune: true,
      incremental: true,
    });
  });
});
