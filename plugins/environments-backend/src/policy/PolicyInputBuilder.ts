import {
  AuthService,
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  EnvironmentType,
  PolicyAction,
  PolicyInput,
} from '@internal/backstage-plugin-environments-common';
import { componentSystemRef, Deployment, EnvironmentsStore } from '../model';
import { imageParts } from './imageReference';

const LIVE_NOT = new Set(['deleting', 'deleted']);

/** What a use case knows of the request; the builder adds who, when and the catalog's view. */
export type PolicyRequest = {
  action: PolicyAction;
  environment: {
    /** Set once stored: it is left out of the owner's counts. */
    id?: string;
    name: string;
    type: string;
    componentRef: string;
    ownerRef: string;
    ttl?: string | null;
    replicas?: number | null;
    image?: string | null;
  };
  /** deploy, promote, rollback: the resolved configuration that would roll out. */
  deployment?: { image: string; replicas: number; message: string };
  /** promote: the deployment promoted from. */
  promotedFrom?: Pick<
    Deployment,
    'environmentName' | 'type' | 'state' | 'finishedAt'
  >;
  /** The component, when the use case has read it already. */
  component?: Entity;
  /** Who asks when there are no credentials (a signed webhook): its subject. */
  actor?: string;
};

const WEEKDAYS: Record<string, PolicyInput['clock']['weekday']> = {
  Mon: 'Monday',
  Tue: 'Tuesday',
  Wed: 'Wednesday',
  Thu: 'Thursday',
  Fri: 'Friday',
  Sat: 'Saturday',
  Sun: 'Sunday',
};

/** The local time of `now` in `timeZone`, as policies read freeze windows. */
export function localClock(now: Date, timeZone: string): PolicyInput['clock'] {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(now)
      .map(part => [part.type, part.value]),
  );
  return {
    weekday: WEEKDAYS[parts.weekday],
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    timeZone,
  };
}

/**
 * Builds the whole input of the policy contract for a request: who (the
 * caller and their groups), what (the environment or deployment as asked
 * for, its type, the component's system and lifecycle from the catalog, how
 * many live environments its owner has) and when (now, and the local clock).
 */
export class PolicyInputBuilder {
  private readonly clock: () => Date;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      userInfo: UserInfoService;
      environments: Pick<EnvironmentsStore, 'listEnvironments'>;
      types: Record<string, EnvironmentType>;
      adminGroups: string[];
      timeZone: string;
      clock?: () => Date;
    },
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  async build(
    request: PolicyRequest,
    credentials: BackstageCredentials | undefined,
  ): Promise<PolicyInput> {
    const { environment } = request;
    const [user, component, counts] = await Promise.all([
      credentials
        ? this.userOf(credentials)
        : { ref: request.actor ?? 'unknown', groups: [], isAdmin: false },
      request.component ?? this.componentOf(environment.componentRef),
      this.countsOf(environment),
    ]);
    const type = this.options.types[environment.type];
    const now = this.clock();
    const lifecycle = component?.spec?.lifecycle;
    const image = request.deployment?.image ?? environment.image ?? null;
    return {
      action: request.action,
      now: now.toISOString(),
      clock: localClock(now, this.options.timeZone),
      user,
      environment: {
        name: environment.name,
        type: environment.type,
        componentRef: environment.componentRef,
        ownerRef: environment.ownerRef,
        system: (component && componentSystemRef(component)) ?? null,
        lifecycle: typeof lifecycle === 'string' ? lifecycle : null,
        ttl: environment.ttl ?? null,
        replicas:
          request.deployment?.replicas ??
          environment.replicas ??
          type?.baseline.workload?.replicas ??
          null,
        image,
      },
      type: {
        name: environment.type,
        ephemeral: type?.ephemeral ?? false,
        requiresApproval: type?.requiresApproval ?? false,
        maxTtl: type?.ttl?.max ?? null,
      },
      deployment: request.deployment
        ? {
            image: request.deployment.image,
            ...imageParts(request.deployment.image),
            replicas: request.deployment.replicas,
            message: request.deployment.message,
          }
        : null,
      promotion: request.promotedFrom
        ? {
            from: {
              environmentName: request.promotedFrom.environmentName,
              type: request.promotedFrom.type,
              state: request.promotedFrom.state,
              succeededAt:
                request.promotedFrom.state === 'succeeded' &&
                request.promotedFrom.finishedAt
                  ? request.promotedFrom.finishedAt.toISOString()
                  : null,
            },
          }
        : null,
      counts,
    };
  }

  private async userOf(
    credentials: BackstageCredentials,
  ): Promise<PolicyInput['user']> {
    const { principal } = credentials as BackstageCredentials<any>;
    if (principal?.type !== 'user') {
      return {
        ref: principal?.subject ?? 'unknown',
        groups: [],
        isAdmin: false,
      };
    }
    const info = await this.options.userInfo.getUserInfo(credentials);
    const groups = info.ownershipEntityRefs
      .map(ref => ref.toLowerCase())
      .filter(ref => ref !== String(principal.userEntityRef).toLowerCase());
    const admins = this.options.adminGroups.map(group => group.toLowerCase());
    return {
      ref: principal.userEntityRef,
      groups,
      isAdmin: groups.some(group => admins.includes(group)),
    };
  }

  private async componentOf(componentRef: string) {
    return this.options.catalog.getEntityByRef(componentRef, {
      credentials: await this.options.auth.getOwnServiceCredentials(),
    });
  }

  private async countsOf(
    environment: PolicyRequest['environment'],
  ): Promise<PolicyInput['counts']> {
    const owned = (
      await this.options.environments.listEnvironments({
        ownerRef: environment.ownerRef,
      })
    ).filter(e => !LIVE_NOT.has(e.status) && e.id !== environment.id);
    return {
      ownerEnvironments: owned.length,
      ownerEnvironmentsOfType: owned.filter(e => e.type === environment.type)
        .length,
    };
  }
}
