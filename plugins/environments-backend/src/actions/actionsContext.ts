import {
  AuditorService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { JsonObject } from '@backstage/types';
import { z } from 'zod';
import { DeploymentsService } from '../deployments/DeploymentsService';
import { auditedChange } from '../service/auditedChange';
import { EnvironmentsService } from '../service/EnvironmentsService';
import {
  contractJsonSchema,
  registrySchema,
  RegistryZod,
} from './registrySchema';

/** What the actions call: the services the REST API calls, and its auditor. */
export type ActionsOptions = {
  actionsRegistry: ActionsRegistryService;
  auditor: AuditorService;
  environments: Pick<
    EnvironmentsService,
    'list' | 'get' | 'create' | 'extend' | 'delete'
  >;
  deployments: Pick<
    DeploymentsService,
    | 'deploy'
    | 'rollback'
    | 'promote'
    | 'approve'
    | 'reject'
    | 'history'
    | 'get'
    | 'diff'
  >;
};

/** The options, with the audit of a change made through an action. */
export type ActionsContext = ActionsOptions & {
  /**
   * Runs a change with the REST API's audit event (same `eventId` and
   * `meta`), naming the action and its caller.
   */
  audit<T>(
    action: string,
    credentials: BackstageCredentials,
    eventId: string,
    meta: JsonObject,
    change: () => Promise<T>,
    succeeded?: (result: T) => JsonObject,
  ): Promise<T>;
};

export function actionsContext(options: ActionsOptions): ActionsContext {
  return {
    ...options,
    audit: (action, credentials, eventId, meta, change, succeeded) =>
      auditedChange(
        options.auditor,
        { action: `environments:${action}`, actor: actorOf(credentials) },
        eventId,
        meta,
        change,
        succeeded,
      ),
  };
}

/** The registry's (zod 3) schema of what an action gives, from the contract. */
export function outputSchema<T extends z.ZodType>(
  zod: RegistryZod,
  contract: T,
) {
  return registrySchema<z.output<T>>(
    zod,
    contractJsonSchema(contract, 'output'),
  );
}

/** A user's entity ref, or a service's subject, as the audit records the caller. */
export function actorOf(credentials: BackstageCredentials): string {
  const { principal } = credentials as BackstageCredentials<any>;
  if (principal?.type === 'user') return principal.userEntityRef;
  if (principal?.type === 'service') return principal.subject;
  return 'unknown';
}
