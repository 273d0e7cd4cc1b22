import {
  AuthService,
  LifecycleService,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EnvironmentType } from '@internal/backstage-plugin-environments-common';
import { PolicySettings } from '../config';
import { EnvironmentsStore, PolicyDecisionsStore } from '../model';
import { OpaServerEvaluator } from './OpaServerEvaluator';
import { PolicyEvaluator } from './PolicyEvaluator';
import { PolicyGate } from './PolicyGate';
import { PolicyInputBuilder } from './PolicyInputBuilder';
import { WasmPolicyEvaluator } from './WasmPolicyEvaluator';

/** The evaluator `environments.policy.mode` asks for; undefined when off. */
export async function createPolicyEvaluator(
  settings: PolicySettings,
  { logger }: { logger: LoggerService },
): Promise<PolicyEvaluator | undefined> {
  switch (settings.mode) {
    case 'off':
      logger.warn(
        'Policy evaluation is off (environments.policy.mode: off): requests are not checked against the platform policies',
      );
      return undefined;
    case 'server':
      logger.info('Policies are evaluated by an OPA server', {
        serverUrl: settings.serverUrl,
        timeoutMs: settings.timeoutMs,
        failureMode: settings.failureMode,
      });
      return new OpaServerEvaluator({
        serverUrl: settings.serverUrl!,
        timeoutMs: settings.timeoutMs,
        logger,
        bundlePath: settings.bundlePath,
      });
    default:
      return WasmPolicyEvaluator.create({
        bundlePath: settings.bundlePath,
        logger,
      });
  }
}

/** The gate the use cases ask, with its evaluator stopped at shutdown. */
export async function createPolicyGate(options: {
  settings: PolicySettings;
  logger: LoggerService;
  lifecycle: LifecycleService;
  catalog: CatalogService;
  auth: AuthService;
  userInfo: UserInfoService;
  environments: EnvironmentsStore;
  decisions: PolicyDecisionsStore;
  types: Record<string, EnvironmentType>;
  adminGroups: string[];
}): Promise<PolicyGate> {
  const { settings } = options;
  const logger = options.logger.child({ type: 'policy' });
  const evaluator = await createPolicyEvaluator(settings, { logger });
  if (evaluator) {
    options.lifecycle.addShutdownHook(() => evaluator.close());
  }
  return new PolicyGate({
    evaluator,
    inputs: new PolicyInputBuilder({ ...options, timeZone: settings.timeZone }),
    decisions: options.decisions,
    environments: options.environments,
    failureMode: settings.failureMode,
    logger,
  });
}
