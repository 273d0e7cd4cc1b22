import appBackend from '@backstage/plugin-app-backend';
import proxyBackend from '@backstage/plugin-proxy-backend';
import authBackend from '@backstage/plugin-auth-backend';
import authBackendModuleGuestProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import authBackendModuleOidcProvider from '@backstage/plugin-auth-backend-module-oidc-provider';
import authBackendModuleGithubProvider from '@backstage/plugin-auth-backend-module-github-provider';
import catalogBackend from '@backstage/plugin-catalog-backend';
import catalogBackendModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import catalogBackendModuleLogs from '@backstage/plugin-catalog-backend-module-logs';
import catalogBackendModuleEnvironments from '@internal/backstage-plugin-catalog-backend-module-environments';
import scaffolderBackend from '@backstage/plugin-scaffolder-backend';
import scaffolderBackendModuleGitea from '@backstage/plugin-scaffolder-backend-module-gitea';
import scaffolderBackendModuleGithub from '@backstage/plugin-scaffolder-backend-module-github';
import scaffolderBackendModuleGitlab from '@backstage/plugin-scaffolder-backend-module-gitlab';
import scaffolderBackendModuleNotifications from '@backstage/plugin-scaffolder-backend-module-notifications';
import scaffolderBackendModuleEnvironments from '@internal/backstage-plugin-scaffolder-backend-module-environments';
import permissionBackend from '@backstage/plugin-permission-backend';
import searchBackend from '@backstage/plugin-search-backend';
import searchBackendModulePg from '@backstage/plugin-search-backend-module-pg';
import searchBackendModuleCatalog from '@backstage/plugin-search-backend-module-catalog';
import eventsBackend from '@backstage/plugin-events-backend';
import kubernetesBackend from '@backstage/plugin-kubernetes-backend';
import mcpActionsBackend from '@backstage/plugin-mcp-actions-backend';
import notificationsBackend from '@backstage/plugin-notifications-backend';
import signalsBackend from '@backstage/plugin-signals-backend';
import userSettingsBackend from '@backstage/plugin-user-settings-backend';
import environmentsBackend from '@internal/backstage-plugin-environments-backend';
import environmentsBackendModulePostgresql from '@internal/backstage-plugin-environments-backend-module-postgresql';
import environmentsBackendModuleRedis from '@internal/backstage-plugin-environments-backend-module-redis';
import { permissionModulePlatformPolicy } from './modules/permissionPolicy';
import { databaseServiceFactory } from './database/databaseServiceFactory';

/**
 * The backend's plugin set, shared by the running backend (index.ts) and the tests
 * that boot it, so that what is tested is what runs.
 */
export const backendFeatures = [
  // Backstage's database service, refusing a second backend on the same SQLite data
  // (database/databaseServiceFactory.ts): more than one replica needs PostgreSQL.
  databaseServiceFactory,

  // The app shell: serves the built frontend from packages/app/dist.
  appBackend,
  proxyBackend,

  // Sign-in: guest for local use (development only), OIDC and GitHub for production.
  authBackend,
  authBackendModuleGuestProvider,
  authBackendModuleOidcProvider,
  authBackendModuleGithubProvider,

  // Software catalog.
  catalogBackend,
  catalogBackendModuleScaffolderEntityModel,
  catalogBackendModuleLogs,
  // Environments as Resource entities, updated on every change.
  catalogBackendModuleEnvironments,

  // Scaffolder (golden paths): templates publish with publish:gitea, to the
  // hosts under integrations.gitea, and request environments with
  // environments:request.
  scaffolderBackend,
  scaffolderBackendModuleGitea,
  scaffolderBackendModuleGithub,
  scaffolderBackendModuleGitlab,
  scaffolderBackendModuleNotifications,
  scaffolderBackendModuleEnvironments,

  // Permissions: our policy (modules/permissionPolicy.ts).
  permissionBackend,
  permissionModulePlatformPolicy,

  // Search: the PostgreSQL engine when the database is PostgreSQL, in-memory Lunr otherwise.
  searchBackend,
  searchBackendModulePg,
  searchBackendModuleCatalog,

  // Events: lets the catalog and signals reach every backend replica.
  eventsBackend,

  // Kubernetes, notifications, signals, user settings.
  kubernetesBackend,
  notificationsBackend,
  signalsBackend,
  userSettingsBackend,

  // The platform's own: environments (API, provisioning into Kubernetes, expiry),
  // with the resource drivers a request's resources are provisioned by.
  environmentsBackend,
  environmentsBackendModulePostgresql,
  environmentsBackendModuleRedis,

  // MCP (Model Context Protocol) at /api/mcp-actions/v1: the actions of the plugins
  // listed in backend.actions.pluginSources (the environments plugin's), as tools an
  // AI assistant lists and calls with its user's token (README, "MCP").
  mcpActionsBackend,
];
