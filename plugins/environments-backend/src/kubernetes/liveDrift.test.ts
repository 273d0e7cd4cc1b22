import { driftedFields, objectDrift, quantityValue } from './liveDrift';

const desired = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'web-dev',
    labels: { 'environments.idp.dev/id': 'env-1' },
    annotations: { 'environments.idp.dev/spec-hash': 'abc' },
  },
  spec: {
    replicas: 1,
    template: {
      spec: {
        containers: [
          {
            name: 'web',
            image: 'registry.local/web:1',
            resources: { limits: { cpu: '0.5', memory: '256Mi' } },
          },
        ],
      },
    },
  },
};

/** What the API server gives back: defaults, bookkeeping and canonical quantities. */
function live(overrides: (object: any) => void = () => {}) {
  const object = JSON.parse(JSON.stringify(desired));
  object.metadata.uid = '1234';
  object.metadata.resourceVersion = '42';
  object.metadata.annotations['deployment.kubernetes.io/revision'] = '1';
  object.spec.strategy = { type: 'RollingUpdate' };
  object.spec.template.spec.containers[0].resources.limits.cpu = '500m';
  object.spec.template.spec.containers[0].terminationMessagePath =
    '/dev/termination-log';
  object.spec.template.spec.restartPolicy = 'Always';
  object.status = { availableReplicas: 1 };
  overrides(object);
  return object;
}

describe('objectDrift', () => {
  it('finds none in a live object that holds every field we set, whatever the server added', () => {
    expect(objectDrift(desired, live())).toEqual([]);
  });

  it('names the fields changed by hand', () => {
    expect(
      objectDrift(
        desired,
        live(o => {
          o.spec.replicas = 5;
          o.spec.template.spec.containers[0].image = 'evil:latest';
          delete o.metadata.labels['environments.idp.dev/id'];
        }),
      ),
    ).toEqual([
      'metadata.labels.environments.idp.dev/id',
      'spec.replicas',
      'spec.template.spec.containers[0]',
    ]);
  });

  it('sees a spec-hash annotation that is not the desired one', () => {
    expect(
      objectDrift(
        desired,
        live(o => {
          o.metadata.annotations['environments.idp.dev/spec-hash'] = 'old';
        }),
      ),
    ).toEqual(['metadata.annotations.environments.idp.dev/spec-hash']);
  });

  it('finds list elements wherever the server put them', () => {
    expect(
      driftedFields(
        { ports: [{ port: 80 }, { port: 443 }] },
        {
          ports: [
            { port: 443, protocol: 'TCP' },
            { port: 80, protocol: 'TCP' },
          ],
        },
      ),
    ).toEqual([]);
    expect(
      driftedFields({ ports: [{ port: 80 }] }, { ports: [{ port: 8080 }] }),
    ).toEqual(['ports[0]']);
  });
});

describe('quantityValue', () => {
  it('reads quantities as the API server writes them', () => {
    expect(quantityValue('500m')).toBe(0.5);
    expect(quantityValue('0.5')).toBe(0.5);
    expect(quantityValue('1Gi')).toBe(2 ** 30);
    expect(quantityValue('1G')).toBe(1e9);
    expect(quantityValue('web')).toBeUndefined();
  });
});
