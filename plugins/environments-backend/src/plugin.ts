import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { environmentResourceDriversExtensionPoint } from '@internal/backstage-plugin-environments-node';
import { registerEnvironmentsActions } from './actions';
import { readEnvironmentsConfig } from './config';
import { DatabaseDeploymentsStore } from './database/DatabaseDeploymentsStore';
import { DatabaseEnvironmentsStore } from './database/DatabaseEnvironmentsStore';
import { DeploymentChangePublisher } from './deployments/DeploymentChangePublisher';
import { DeploymentsService } from './deployments/DeploymentsService';
import { createGiteaWebhookRouter } from './deployments/webhooks/giteaWebhook';
import { createApprovalNotifications } from './deployments/notifications/ApprovalNotifications';
import { EnvironmentClusters, ResourceDrivers } from './kubernetes';
import { EnvironmentAuthorizer } from './permissions/EnvironmentAuthorizer';
import { scheduleReconciliation } from './reconciler';
import { EnvironmentChangePublisher } from './service/EnvironmentChangePublisher';
import { EnvironmentObservability } from './service/EnvironmentObservability';
import { EnvironmentsService } from './service/EnvironmentsService';
import { createRouter } from './service/router';
import { DatabasePolicyDecisionsStore } from './database/policyDecisions';
import { createPolicyGate } from './policy';
import { PolicyService } from './service/PolicyService';

/**
 * The orchestration backend for environments: the HTTP API, the durable job
 * queue and the reconciler that provisions environments into Kubernetes, and
 * the scheduled expiry of ephemeral environments.
 *
 * @public
 */
export const environmentsPlugin = createBackendPlugin({
  pluginId: 'environments',
  register(env) {
    const driverCollector = ResourceDrivers.collector();
    env.registerExtensionPoint(environmentResourceDriversExtensionPoint, {
      addDriver: driver => driverCollector.addDriver(driver),
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        auditor: coreServices.auditor,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        userInfo: coreServices.userInfo,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
        signals: signalsServiceRef,
        notifications: notificationService,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const { config, logger } = deps;
        const settings = readEnvironmentsConfig(config, { logger });
        const { types } = settings;
        const drivers = driverCollector.drivers();
        const clusters = EnvironmentClusters.fromConfig(config, {
          ...deps,
          drivers,
        });

        const publisher = EnvironmentChangePublisher.create(deps);
        const store = publisher.publishing(
          await DatabaseEnvironmentsStore.create(deps),
        );
        // After the environments' store, whose migrations create its tables.
        const deployments = await DatabaseDeploymentsStore.create(deps);
        DeploymentChangePublisher.create({
          ...deps,
          environments: store,
        }).subscribe(deployments);
        const authorizer = EnvironmentAuthorizer.create({
          ...deps,
          types,
          store,
        });

        const approvalNotifier = createApprovalNotifications({
          ...deps,
          deployments,
        });

        await scheduleReconciliation({
          ...deps,
          approvalNotifier,
          store,
          deployments,
          clusters,
          drivers,
          settings,
          changes: publisher,
        });

        const decisions = await DatabasePolicyDecisionsStore.create(deps);
        const policyGate = await createPolicyGate({
          ...deps,
          settings: settings.policy,
          environments: store,
          decisions,
          types,
          adminGroups: settings.adminGroups,
        });

        const service = new EnvironmentsService({
          ...deps,
          adminGroups: settings.adminGroups,
          approvalNotifier,
          store,
          drivers,
          types,
          authorizer,
          policy: policyGate,
        });
        const observability = new EnvironmentObservability({
          environments: service,
          types,
          authorizer,
          observerFor: cluster => clusters.observer(cluster),
        });
        const deploymentsService = DeploymentsService.create({
          ...deps,
          deployments,
          environments: store,
          types,
          authorizer,
          secretsFor: cluster => clusters.provisioner(cluster),
          policy: policyGate,
        });
        // Before the API's router, whose JSON parser would read the body
        // first: the webhook's signature is over the raw bytes.
        deps.httpRouter.addAuthPolicy({
          path: '/webhooks',
          allow: 'unauthenticated',
        });
        deps.httpRouter.use(
          createGiteaWebhookRouter({
            ...deps,
            deployments: {
              ciDeploy: (request, { subject, source }) =>
                deploymentsService.deployFromPipeline(request, {
                  createdBy: subject,
                  source: source === 'ci' ? 'ci' : 'webhook',
                }),
            },
          }),
        );
        deps.httpRouter.use(
          await createRouter({
            ...deps,
            service,
            observability,
            deployments: deploymentsService,
            policy: new PolicyService({
              gate: policyGate,
              decisions,
              environments: service,
              deployments: deploymentsService,
              userInfo: deps.userInfo,
              adminGroups: settings.adminGroups,
            }),
          }),
        );

        // The same operations for MCP clients and the CLI, through the same
        // services: same permission checks, same audit events.
        registerEnvironmentsActions({
          ...deps,
          environments: service,
          deployments: deploymentsService,
        });

        logger.info('Environments plugin ready', {
          environmentTypes: Object.keys(types).join(', ') || '(none)',
          clusters: clusters.names().join(', ') || '(none)',
        });
      },
    });
  },
});
