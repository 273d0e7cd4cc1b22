import {
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { PermissionRule } from '@backstage/plugin-permission-node';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuditEvent as ApiAuditEvent,
  Environment as ApiEnvironment,
  environmentCreatePermission,
  environmentDeletePermission,
  environmentNamespace,
  environmentReadPermission,
  EnvironmentStatus,
  EnvironmentType,
  environmentUpdatePermission,
  EnvironmentRequestValidation,
  formatValidationIssues,
  parseDuration,
  validateEnvironmentRequest,
  validateEnvironmentUpdate,
  ValidationIssue,
} from '@internal/backstage-plugin-environments-common';
import { ResourceDrivers } from '../kubernetes';
import { EnvironmentsStore, toApiAuditEvent, toApiEnvironment } from '../model';
import {
  EnvironmentPermissionResource,
  matchesCriteria,
} from '../permissions/rules';

type Credentials = { credentials: BackstageCredentials };

/** An environment type as the API describes it, with whether the caller may use it. */
export type EnvironmentTypeDescription = EnvironmentType & {
  name: string;
  /** Whether the caller belongs to the groups the type is restricted to. */
  allowed: boolean;
};

export type EnvironmentListFilter = {
  componentRef?: string;
  ownerRef?: string;
  type?: string;
  status?: EnvironmentStatus;
};

export type EnvironmentsServiceOptions = {
  store: EnvironmentsStore;
  types: Record<string, EnvironmentType>;
  /** The installed resource drivers: a request's resources must have one. */
  drivers: ResourceDrivers;
  catalog: CatalogService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  /** The rules registered for the environment resource type, to apply conditional decisions. */
  rules: ReadonlyArray<
    PermissionRule<EnvironmentPermissionResource, any, any, any>
  >;
  clock?: () => Date;
};

/** An `InputError` whose body also lists each issue, for forms to show per field. */
export function invalidInput(
  what: string,
  issues: ValidationIssue[],
): InputError {
  const error = new InputError(
    `Invalid ${what}:\n${formatValidationIssues(issues)}`,
  );
  // Serialized with the error, so clients get the issues without parsing the message.
  return Object.assign(error, { issues });
}

function ownerOf(entity: Entity): string | undefined {
  const relation = entity.relations?.find(r => r.type === RELATION_OWNED_BY);
  if (relation) {
    return relation.targetRef;
  }
  const owner = entity.spec?.owner;
  return typeof owner === 'string'
    ? stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: entity.metadata.namespace,
        }),
      )
    : undefined;
}

function systemOf(entity: Entity): string | undefined {
  const relation = entity.relations?.find(
    r => r.type === RELATION_PART_OF && r.targetRef.startsWith('system:'),
  );
  if (relation) {
    return relation.targetRef;
  }
  const system = entity.spec?.system;
  return typeof system === 'string'
    ? stringifyEntityRef(
        parseEntityRef(system, {
          defaultKind: 'system',
          defaultNamespace: entity.metadata.namespace,
        }),
      )
    : undefined;
}

const ACTIONS = {
  create: environmentCreatePermission,
  read: environmentReadPermission,
  update: environmentUpdatePermission,
  delete: environmentDeletePermission,
} as const;

type Action = keyof typeof ACTIONS;

/**
 * What the API does: validates requests, looks components up in the catalog,
 * decides permissions through the permission framework, and records the
 * changes in the store, which queues the provisioning work.
 */
export class EnvironmentsService {
  private readonly store: EnvironmentsStore;
  private readonly types: Record<string, EnvironmentType>;
  private readonly drivers: ResourceDrivers;
  private readonly catalog: CatalogService;
  private readonly permissions: PermissionsService;
  private readonly userInfo: UserInfoService;
  private readonly rules: EnvironmentsServiceOptions['rules'];
  private readonly clock: () => Date;

  constructor(options: EnvironmentsServiceOptions) {
    this.store = options.store;
    this.types = options.types;
    this.drivers = options.drivers;
    this.catalog = options.catalog;
    this.permissions = options.permissions;
    this.userInfo = options.userInfo;
    this.rules = options.rules;
    this.clock = options.clock ?? (() => new Date());
  }

  async listTypes({
    credentials,
  }: Credentials): Promise<EnvironmentTypeDescription[]> {
    const claims = await this.claims(credentials);
    return Object.entries(this.types)
      .map(([name, type]) => ({
        name,
        ...type,
        allowed:
          !type.allowedGroups ||
          type.allowedGroups.some(group => claims.includes(group)),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async create(
    input: unknown,
    { credentials }: Credentials,
  ): Promise<ApiEnvironment> {
    const validation = this.withDrivers(
      validateEnvironmentRequest(input, this.types),
    );
    if (!validation.ok) {
      throw invalidInput('environment request', validation.issues);
    }
    const spec = validation.request;
    const component = await this.catalog.getEntityByRef(spec.componentRef, {
      credentials,
    });
    if (!component || component.kind.toLowerCase() !== 'component') {
      throw new NotFoundError(
        `Component '${spec.componentRef}' was not found in the catalog`,
      );
    }
    const ownerRef = ownerOf(component);
    if (!ownerRef) {
      throw new InputError(
        `componentRef: component '${spec.componentRef}' has no owner in the catalog, and environments belong to the component's owner`,
      );
    }
    await this.authorize(
      'create',
      { componentRef: spec.componentRef, ownerRef, type: spec.type },
      credentials,
    );

    const now = this.clock();
    const environment = await this.store.createEnvironment({
      name: spec.name,
      namespace: environmentNamespace(component.metadata.name, spec.name),
      componentRef: spec.componentRef,
      ownerRef,
      systemRef: systemOf(component),
      type: spec.type,
      spec,
      createdBy: this.actor(credentials),
      ...(spec.ttl && {
        expiresAt: new Date(now.getTime() + parseDuration(spec.ttl)),
      }),
    });
    return toApiEnvironment(environment);
  }

  async list(
    filter: EnvironmentListFilter,
    { credentials }: Credentials,
  ): Promise<ApiEnvironment[]> {
    const normalize = (ref: string | undefined, defaultKind: string) =>
      ref && stringifyEntityRef(parseEntityRef(ref, { defaultKind }));
    let environments;
    try {
      environments = await this.store.listEnvironments({
        ...filter,
        componentRef: normalize(filter.componentRef, 'component'),
        ownerRef: normalize(filter.ownerRef, 'group'),
      });
    } catch (error) {
      throw new InputError(
        `componentRef, ownerRef: must be entity references such as component:default/orders-service (${
          (error as Error).message
        })`,
      );
    }
    const visible = await this.filterAllowed('read', environments, credentials);
    return visible.map(toApiEnvironment);
  }

  async get(id: string, { credentials }: Credentials): Promise<ApiEnvironment> {
    const environment = await this.store.getEnvironment(id);
    await this.authorize('read', environment, credentials);
    return toApiEnvironment(environment);
  }

  async update(
    id: string,
    input: unknown,
    { credentials }: Credentials,
  ): Promise<ApiEnvironment> {
    const environment = await this.liveEnvironment(id, 'changed');
    await this.authorize('update', environment, credentials);
    const validation = this.withDrivers(
      validateEnvironmentUpdate(input, environment.spec, this.types),
    );
    if (!validation.ok) {
      throw invalidInput('environment change', validation.issues);
    }
    const updated = await this.store.updateSpec({
      id,
      spec: validation.request,
      actor: this.actor(credentials),
    });
    return toApiEnvironment(updated);
  }

  async delete(id: string, { credentials }: Credentials) {
    const environment = await this.store.getEnvironment(id);
    await this.authorize('delete', environment, credentials);
    if (environment.status === 'deleting' || environment.status === 'deleted') {
      // Deleting twice is not an error: the result is the same.
      return toApiEnvironment(environment);
    }
    const deleting = await this.store.markDeleting({
      id,
      actor: this.actor(credentials),
    });
    return toApiEnvironment(deleting);
  }

  /**
   * Sets the expiry of an ephemeral environment to `ttl` from now, no later
   * than its type's maximum time to live after it was created.
   */
  async extend(
    id: string,
    input: unknown,
    { credentials }: Credentials,
  ): Promise<ApiEnvironment> {
    const environment = await this.liveEnvironment(id, 'extended');
    await this.authorize('update', environment, credentials);
    const type = this.types[environment.type];
    if (!type?.ttl || !environment.expiresAt) {
      throw new InputError(
        `ttl: environment '${environment.name}' of type ${environment.type} does not expire, so there is nothing to extend`,
      );
    }
    const ttl = (input as { ttl?: unknown } | undefined)?.ttl;
    let ttlMs: number;
    try {
      ttlMs = parseDuration(String(ttl));
    } catch {
      throw invalidInput('extension', [
        {
          field: 'ttl',
          rule: `must be a duration such as "2h" or "1d" (got ${JSON.stringify(
            ttl,
          )})`,
        },
      ]);
    }
    const now = this.clock();
    const latest = new Date(
      environment.createdAt.getTime() + parseDuration(type.ttl.max),
    );
    const expiresAt = new Date(now.getTime() + ttlMs);
    if (expiresAt > latest) {
      throw invalidInput('extension', [
        {
          field: 'ttl',
          rule: `must end by ${latest.toISOString()}: type ${
            environment.type
          } lives at most ${type.ttl.max} after creation (got "${ttl}")`,
        },
      ]);
    }
    if (expiresAt <= environment.expiresAt) {
      throw invalidInput('extension', [
        {
          field: 'ttl',
          rule: `must end after the current expiry, ${environment.expiresAt.toISOString()} (got "${ttl}")`,
        },
      ]);
    }
    const extended = await this.store.extendExpiry({
      id,
      expiresAt,
      actor: this.actor(credentials),
    });
    return toApiEnvironment(extended);
  }

  /**
   * Queues a reconcile of an environment as it is: retries one that failed
   * for good, or repairs objects changed behind the platform's back. An
   * environment that is as desired is left untouched (no Kubernetes writes).
   */
  async reconcile(
    id: string,
    { credentials }: Credentials,
  ): Promise<ApiEnvironment> {
    const environment = await this.liveEnvironment(id, 'reconciled');
    await this.authorize('update', environment, credentials);
    await this.store.enqueueJob({ environmentId: id, kind: 'reconcile' });
    await this.store.appendAuditEvent({
      environmentId: id,
      actor: this.actor(credentials),
      action: 'reconcile',
      outcome: 'initiated',
    });
    return toApiEnvironment(await this.store.getEnvironment(id));
  }

  async auditTrail(
    id: string,
    { credentials }: Credentials,
  ): Promise<ApiAuditEvent[]> {
    const environment = await this.store.getEnvironment(id);
    await this.authorize('read', environment, credentials);
    return (await this.store.listAuditEvents(id)).map(toApiAuditEvent);
  }

  /** A valid request is one more check away: its resources need drivers. */
  private withDrivers(
    validation: EnvironmentRequestValidation,
  ): EnvironmentRequestValidation {
    if (!validation.ok) {
      return validation;
    }
    const issues = this.drivers.validate(validation.request.resources);
    return issues.length > 0 ? { ok: false, issues } : validation;
  }

  private async liveEnvironment(id: string, verb: string) {
    const environment = await this.store.getEnvironment(id);
    if (environment.status === 'deleting' || environment.status === 'deleted') {
      throw new InputError(
        `Environment '${environment.name}' is ${environment.status} and can no longer be ${verb}`,
      );
    }
    return environment;
  }

  private actor(credentials: BackstageCredentials): string {
    const { principal } = credentials as BackstageCredentials<any>;
    if (principal?.type === 'user') {
      return principal.userEntityRef;
    }
    if (principal?.type === 'service') {
      return principal.subject;
    }
    return 'unknown';
  }

  private async claims(credentials: BackstageCredentials): Promise<string[]> {
    const { principal } = credentials as BackstageCredentials<any>;
    if (principal?.type !== 'user') {
      return [];
    }
    const info = await this.userInfo.getUserInfo(credentials);
    return info.ownershipEntityRefs.map(ref => ref.toLowerCase());
  }

  /** Resolves when the permission framework allows `action` on `resource`. */
  private async authorize(
    action: Action,
    resource: EnvironmentPermissionResource,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const allowed = await this.filterAllowed(action, [resource], credentials);
    if (allowed.length === 0) {
      throw new NotAllowedError(await this.explainDenial(action, resource));
    }
  }

  private async filterAllowed<T extends EnvironmentPermissionResource>(
    action: Action,
    resources: T[],
    credentials: BackstageCredentials,
  ): Promise<T[]> {
    const permission: ResourcePermission<'environment'> = ACTIONS[action];
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) {
      return resources;
    }
    if (decision.result === AuthorizeResult.CONDITIONAL) {
      return resources.filter(resource =>
        matchesCriteria(decision.conditions, resource, this.rules),
      );
    }
    return [];
  }

  private async explainDenial(
    action: Action,
    resource: EnvironmentPermissionResource,
  ): Promise<string> {
    const type = this.types[resource.type];
    const verb = action === 'create' ? 'request' : action;
    const what =
      action === 'create'
        ? `environments of ${resource.componentRef}`
        : `environment ${resource.id ?? ''} of ${resource.componentRef}`;
    const restriction = type?.allowedGroups
      ? ` Environments of type ${
          resource.type
        } are further restricted to members of ${type.allowedGroups.join(
          ', ',
        )}.`
      : '';
    return `You may not ${verb} ${what}: only its owner (${resource.ownerRef}) and platform admins may.${restriction}`;
  }
}
