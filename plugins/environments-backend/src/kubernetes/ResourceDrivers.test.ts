import { postgresqlResourceDriver } from '@internal/backstage-plugin-environments-backend-module-postgresql';
import { EnvironmentResourceDriver } from '@internal/backstage-plugin-environments-node';
import { z } from 'zod';
import { ResourceDrivers } from './ResourceDrivers';

const boundedDriver: EnvironmentResourceDriver<{
  type: 'bucket';
  name: string;
  storage?: string;
}> = {
  type: 'bucket',
  title: 'Bucket',
  schema: z.object({
    type: z.literal('bucket'),
    name: z.string().max(8, 'must be at most 8 characters'),
    storage: z.string().optional(),
  }),
  bounds: { storage: '10Gi' },
  observes: [],
  render: () => [],
  readiness: () => [],
};

describe('ResourceDrivers', () => {
  const drivers = ResourceDrivers.create([
    postgresqlResourceDriver,
    boundedDriver,
  ]);

  it('names resources.N.type and the installed types for a type without a driver', () => {
    expect(
      drivers.validate([
        { type: 'postgresql', name: 'orders-db' },
        { type: 'redis', name: 'sessions' },
      ]),
    ).toEqual([
      {
        field: 'resources.1.type',
        rule: 'must be a resource type this platform has a driver for: bucket, postgresql (got "redis")',
      },
    ]);
  });

  it("checks a resource against its driver's schema and bounds", () => {
    const resources = [
      { type: 'bucket', name: 'far-too-long' },
      { type: 'bucket', name: 'assets', storage: '20Gi' },
      { type: 'bucket', name: 'logs', storage: '10Gi' },
    ];
    expect(drivers.validate(resources)).toEqual([
      { field: 'resources.0.name', rule: 'must be at most 8 characters' },
      {
        field: 'resources.1.storage',
        rule: 'must be at most 10Gi, the storage bound of Bucket resources (got "20Gi")',
      },
    ]);
  });

  it('says when no driver is installed at all', () => {
    expect(
      ResourceDrivers.create([]).validate([{ type: 'postgresql', name: 'db' }]),
    ).toEqual([
      {
        field: 'resources.0.type',
        rule: expect.stringContaining('(none installed'),
      },
    ]);
  });

  it('refuses two drivers for one type', () => {
    expect(() =>
      ResourceDrivers.create([
        postgresqlResourceDriver,
        postgresqlResourceDriver,
      ]),
    ).toThrow('Two resource drivers for resource type postgresql');
  });

  it('observes each kind once, and hands each driver only its kinds', () => {
    expect(drivers.observedKinds()).toEqual([
      { apiVersion: 'apps/v1', kind: 'StatefulSet', plural: 'statefulsets' },
    ]);
    const readiness = drivers.readiness({
      objects: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: {
            name: 'orders-db',
            labels: { 'app.kubernetes.io/name': 'postgresql' },
          },
        },
      ],
      pods: [],
    });
    expect(readiness).toEqual([]);
  });
});
