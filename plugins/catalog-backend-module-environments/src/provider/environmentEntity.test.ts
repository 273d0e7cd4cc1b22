import {
  entitySchemaValidator,
  resourceEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { Environment } from '@internal/backstage-plugin-environments-common';
import { environmentEntityRef, environmentToEntity } from './environmentEntity';

const environment: Environment = {
  id: '6f1c2b9e-4d0a-4c1e-9b7a-2f3e4d5c6b7a',
  name: 'development',
  namespace: 'orders-service-development',
  componentRef: 'component:default/orders-service',
  ownerRef: 'group:default/team-orders',
  systemRef: 'system:default/orders',
  type: 'development',
  status: 'ready',
  conditions: [],
  spec: {
    componentRef: 'component:default/orders-service',
    type: 'development',
    name: 'development',
    resources: [],
  },
  createdBy: 'user:default/jane.doe',
  createdAt: '2026-11-21T09:00:00.000Z',
  updatedAt: '2026-11-21T09:01:00.000Z',
};

const options = { appBaseUrl: 'https://portal.example.com' };

describe('environmentToEntity', () => {
  it('describes a live environment as a Resource of type environment', () => {
    expect(environmentToEntity(environment, options)).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'orders-service-development',
        namespace: 'default',
        title: 'orders-service · development',
        description:
          'The development environment of orders-service: Kubernetes namespace orders-service-development, environment type development.',
        annotations: {
          'backstage.io/managed-by-location': `environments:${environment.id}`,
          'backstage.io/managed-by-origin-location': `environments:${environment.id}`,
          'backstage.io/kubernetes-id': 'orders-service',
          'backstage.io/kubernetes-namespace': 'orders-service-development',
          'backstage.io/kubernetes-label-selector': `environments.idp.dev/id=${environment.id}`,
          'environments.idp.dev/id': environment.id,
          'environments.idp.dev/type': 'development',
          'environments.idp.dev/status': 'ready',
        },
        labels: {
          'environments.idp.dev/type': 'development',
          'environments.idp.dev/status': 'ready',
        },
        links: [
          {
            url: `https://portal.example.com/environments/${environment.id}`,
            title: 'Environment in the portal',
            icon: 'dashboard',
          },
        ],
      },
      spec: {
        type: 'environment',
        owner: 'group:default/team-orders',
        system: 'system:default/orders',
        dependencyOf: ['component:default/orders-service'],
      },
    });
  });

  it('passes the catalog schema validation of entities and of Resources', async () => {
    const entity = environmentToEntity(environment, options);

    expect(() => entitySchemaValidator()(entity)).not.toThrow();
    await expect(resourceEntityV1alpha1Validator.check(entity)).resolves.toBe(
      true,
    );
  });

  it('carries why an environment failed and when it expires', () => {
    const entity = environmentToEntity(
      {
        ...environment,
        name: 'pr-42',
        namespace: 'orders-service-pr-42',
        type: 'preview',
        status: 'failed',
        reason: 'QuotaExceeded: the namespace would exceed its quota',
        expiresAt: '2026-11-21T13:00:00.000Z',
      },
      options,
    );

    expect(entity.metadata.title).toBe('orders-service · pr-42');
    expect(entity.metadata.annotations).toMatchObject({
      'environments.idp.dev/status': 'failed',
      'environments.idp.dev/status-reason':
        'QuotaExceeded: the namespace would exceed its quota',
      'environments.idp.dev/expires-at': '2026-11-21T13:00:00.000Z',
    });
    expect(entity.metadata.labels).toEqual({
      'environments.idp.dev/type': 'preview',
      'environments.idp.dev/status': 'failed',
    });
  });

  it('leaves out what the environment does not have', () => {
    const { systemRef, ...withoutSystem } = environment;

    const entity = environmentToEntity(withoutSystem, options);

    expect(entity.spec).not.toHaveProperty('system');
    expect(entity.metadata.annotations).not.toHaveProperty(
      'environments.idp.dev/status-reason',
    );
    expect(entity.metadata.annotations).not.toHaveProperty(
      'environments.idp.dev/expires-at',
    );
  });

  it('puts the entity in the catalog namespace of its component', () => {
    const entity = environmentToEntity(
      { ...environment, componentRef: 'component:payments/ledger' },
      options,
    );

    expect(entity.metadata.namespace).toBe('payments');
    expect(entity.spec.dependencyOf).toEqual(['component:payments/ledger']);
  });

  it('links to the environment page whether or not the base URL ends in a slash', () => {
    const entity = environmentToEntity(environment, {
      appBaseUrl: 'http://localhost:3000/',
    });

    expect(entity.metadata.links?.[0].url).toBe(
      `http://localhost:3000/environments/${environment.id}`,
    );
  });
});

describe('environmentEntityRef', () => {
  it('names the Resource after the Kubernetes namespace', () => {
    expect(environmentEntityRef(environment)).toBe(
      'resource:default/orders-service-development',
    );
  });
});
