import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * The entity provider that reports environments into the catalog as
       * Resource entities of type `environment`. Installing the module
       * enables it; this only tunes it.
       */
      environments?: {
        /**
         * When the full sync of every environment runs. Changes reach the
         * catalog through `environments.changed` events within seconds; the
         * full sync catches up on lost events. Defaults to every 5 minutes
         * with a 3 minute timeout, on one replica at a time (scope global).
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
