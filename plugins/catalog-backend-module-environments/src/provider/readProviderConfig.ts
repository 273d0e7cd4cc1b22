import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';

/**
 * Events bring each change within seconds; the full sync only catches up on
 * events that were lost, so it need not run often. One replica runs it.
 */
const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 5 },
  timeout: { minutes: 3 },
  scope: 'global',
};

export type EnvironmentProviderConfig = {
  /** The portal's base URL, for links to environment pages. */
  appBaseUrl: string;
  /** When the full sync runs. */
  schedule: SchedulerServiceTaskScheduleDefinition;
};

/**
 * Reads `app.baseUrl` and the optional `catalog.providers.environments`.
 */
export function readProviderConfig(config: Config): EnvironmentProviderConfig {
  const scheduleConfig = config.getOptionalConfig(
    'catalog.providers.environments.schedule',
  );
  const schedule = scheduleConfig
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
    : DEFAULT_SCHEDULE;
  return {
    appBaseUrl: config.getString('app.baseUrl'),
    schedule: { ...schedule, scope: schedule.scope ?? 'global' },
  };
}
