import { actionsContext, ActionsOptions } from './actionsContext';
import { registerDeploymentActions } from './deploymentActions';
import { registerEnvironmentActions } from './environmentActions';

export type { ActionsOptions } from './actionsContext';

/**
 * Registers the platform's operations in the backend's Actions Registry, as
 * `environments:<name>` (README.md lists them), for MCP clients (the MCP
 * actions backend), the CLI and the scaffolder.
 */
export function registerEnvironmentsActions(options: ActionsOptions): void {
  const context = actionsContext(options);
  registerEnvironmentActions(context);
  registerDeploymentActions(context);
}
