import { parseEnvironmentTypes } from '../environmentTypes';
import { validateEnvironmentRequest } from '../request';

const types = parseEnvironmentTypes({
  development: {
    description: 'For day-to-day work',
    cluster: 'dev-cluster',
    baseline: {
      quota: { cpu: '2', memory: '4Gi' },
      limits: {
        defaultCpu: '500m',
        defaultMemory: '512Mi',
        defaultRequestCpu: '100m',
        defaultRequestMemory: '128Mi',
      },
    },
    bounds: { cpu: '4', memory: '8Gi' },
  },
});

function validate(resources: unknown[]) {
  return validateEnvironmentRequest(
    {
      componentRef: 'component:default/orders-service',
      type: 'development',
      resources,
    },
    types,
  );
}

describe('a Redis resource', () => {
  it('keeps its name, version and storage', () => {
    const resource = {
      type: 'redis',
      name: 'sessions',
      version: '7.2',
      storage: '2Gi',
    };
    expect(validate([resource])).toMatchObject({
      ok: true,
      request: { resources: [resource] },
    });
  });

  it('names each field it rejects', () => {
    expect(
      validate([
        { type: 'redis', name: 'Sessions', version: 'latest', storage: '2GB' },
      ]),
    ).toEqual({
      ok: false,
      issues: [
        {
          field: 'resources.0.name',
          rule: expect.stringContaining('DNS-1123'),
        },
        {
          field: 'resources.0.version',
          rule: 'must be a Redis version such as "7", "7.2" or "7.2.5"',
        },
        { field: 'resources.0.storage', rule: expect.any(String) },
      ],
    });
  });

  it('shares the unique names of resources with PostgreSQL', () => {
    expect(
      validate([
        { type: 'postgresql', name: 'store' },
        { type: 'redis', name: 'store' },
      ]),
    ).toEqual({
      ok: false,
      issues: [
        {
          field: 'resources.1.name',
          rule: 'must be unique, but "store" is also the name of resources.0',
        },
      ],
    });
  });
});
