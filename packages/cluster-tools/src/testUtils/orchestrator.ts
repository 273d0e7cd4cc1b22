import { KubeConfig } from '@kubernetes/client-node';
import { ORCHESTRATOR_SERVICE_ACCOUNT } from '@internal/backstage-plugin-environments-common';
import { ensureOrchestratorAccess } from '../orchestratorAccess';
import { kubeConfigForAccess } from '../serviceAccountAccess';

/**
 * A kubeconfig that acts as the environments orchestrator's ServiceAccount,
 * created as `connect` creates it, with the admin credentials of `admin`:
 * tests that provision through it prove that its roles suffice.
 */
export async function orchestratorKubeConfig(
  admin: KubeConfig,
): Promise<KubeConfig> {
  return kubeConfigForAccess(
    await ensureOrchestratorAccess(admin),
    ORCHESTRATOR_SERVICE_ACCOUNT,
  );
}
