import {
  isWithinMaximum,
  ValidationIssue,
} from '@internal/backstage-plugin-environments-common';
import {
  EnvironmentResourceDriver,
  ObservedKind,
  ObservedObjects,
  ResourceReadiness,
  ResourceRequest,
} from '@internal/backstage-plugin-environments-node';

/**
 * The resource drivers modules added through
 * `environmentResourceDriversExtensionPoint`, by resource type: the only
 * way the orchestrator validates, renders and reads the readiness of a
 * request's resources.
 */
export class ResourceDrivers {
  /**
   * What the plugin offers modules through the extension point; `drivers()`
   * reads what they added, once they all registered.
   */
  static collector(): {
    addDriver(driver: EnvironmentResourceDriver): void;
    drivers(): ResourceDrivers;
  } {
    const added: EnvironmentResourceDriver[] = [];
    return {
      addDriver: driver => {
        added.push(driver);
      },
      drivers: () => ResourceDrivers.create(added),
    };
  }

  static create(drivers: Iterable<EnvironmentResourceDriver>): ResourceDrivers {
    const byType = new Map<string, EnvironmentResourceDriver>();
    for (const driver of drivers) {
      if (byType.has(driver.type)) {
        throw new Error(
          `Two resource drivers for resource type ${driver.type}: install one module per resource type`,
        );
      }
      byType.set(driver.type, driver);
    }
    return new ResourceDrivers(byType);
  }

  private constructor(
    private readonly byType: ReadonlyMap<string, EnvironmentResourceDriver>,
  ) {}

  /** The resource types with a driver, sorted. */
  types(): string[] {
    return [...this.byType.keys()].sort();
  }

  /** @throws Error when no driver is installed for the resource's type. */
  driverFor(resource: ResourceRequest): EnvironmentResourceDriver {
    const driver = this.byType.get(resource.type);
    if (!driver) {
      throw new Error(
        `No resource driver for resource type ${resource.type} (resource "${
          resource.name
        }"); installed: ${this.describeTypes()}`,
      );
    }
    return driver;
  }

  /**
   * Every problem of `resources` that only the installed drivers know of:
   * a type without a driver, a field the driver's schema rejects, a request
   * beyond the driver's bounds. Each names `resources.N.<field>`.
   */
  validate(resources: ReadonlyArray<ResourceRequest>): ValidationIssue[] {
    return resources.flatMap((resource, index) => {
      const field = (name: string) => `resources.${index}.${name}`;
      const driver = this.byType.get(resource.type);
      if (!driver) {
        return [
          {
            field: field('type'),
            rule: `must be a resource type this platform has a driver for: ${this.describeTypes()} (got "${
              resource.type
            }")`,
          },
        ];
      }
      const parsed = driver.schema.safeParse(resource);
      if (!parsed.success) {
        return parsed.error.issues.map(issue => ({
          field: field(issue.path.map(String).join('.')),
          rule: issue.message,
        }));
      }
      const storage = 'storage' in resource ? resource.storage : undefined;
      const maxStorage = driver.bounds?.storage;
      if (
        maxStorage &&
        typeof storage === 'string' &&
        !isWithinMaximum('memory', storage, maxStorage)
      ) {
        return [
          {
            field: field('storage'),
            rule: `must be at most ${maxStorage}, the storage bound of ${driver.title} resources (got "${storage}")`,
          },
        ];
      }
      return [];
    });
  }

  /** The kinds some driver reads readiness from, each once. */
  observedKinds(): ObservedKind[] {
    const kinds = new Map<string, ObservedKind>();
    for (const driver of this.byType.values()) {
      for (const kind of driver.observes) {
        kinds.set(`${kind.apiVersion}/${kind.kind}`, kind);
      }
    }
    return [...kinds.values()];
  }

  /** Every driver's readiness, in the order the drivers were added. */
  readiness(observed: ObservedObjects): ResourceReadiness[] {
    return [...this.byType.values()].flatMap(driver =>
      driver.readiness({
        objects: observed.objects.filter(object =>
          driver.observes.some(
            kind =>
              kind.kind === object.kind &&
              kind.apiVersion === object.apiVersion,
          ),
        ),
        pods: observed.pods,
      }),
    );
  }

  private describeTypes(): string {
    return this.byType.size === 0
      ? '(none installed: add a resource driver module such as @internal/backstage-plugin-environments-backend-module-postgresql)'
      : this.types().join(', ');
  }
}
