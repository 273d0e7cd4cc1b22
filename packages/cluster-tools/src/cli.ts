/*
 * Cluster set-up for ./platform:
 *   connect --kubeconfig F [--context C] [--name N] --out F.yaml
 *       creates the portal's read-only ServiceAccount and the environments
 *       orchestrator's least-privilege one, and writes the app-config for both
 *   seed --kubeconfig F [--context C] --catalog DIR
 *       runs the seed catalog's services in the cluster
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { applyAll } from './apply';
import { clusterAppConfig } from './backstageConfig';
import { loadKubeConfig } from './kubeconfig';
import { ensureOrchestratorAccess } from './orchestratorAccess';
import { ensureReadOnlyAccess } from './readOnlyAccess';
import { readDeployableComponents, seedWorkloadObjects } from './seedWorkloads';

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      name: { type: 'string', default: 'local' },
      out: { type: 'string' },
      catalog: { type: 'string' },
    },
  });
  const [command] = positionals;
  if (!values.kubeconfig) throw new Error('--kubeconfig is required');
  const kc = loadKubeConfig({
    kubeconfig: values.kubeconfig,
    context: values.context,
  });

  if (command === 'connect') {
    if (!values.out) throw new Error('--out is required');
    const reader = await ensureReadOnlyAccess(kc);
    const orchestrator = await ensureOrchestratorAccess(kc);
    fs.mkdirSync(path.dirname(values.out), { recursive: true });
    fs.writeFileSync(
      values.out,
      clusterAppConfig({ name: values.name!, reader, orchestrator }),
      { mode: 0o600 },
    );
    process.stdout.write(
      `cluster '${values.name}' at ${reader.url}: read-only access and the environments orchestrator configured in ${values.out}\n`,
    );
  } else if (command === 'seed') {
    if (!values.catalog) throw new Error('--catalog is required');
    const objects = seedWorkloadObjects(
      readDeployableComponents(values.catalog),
    );
    await applyAll(kc, objects);
    const deployments = objects.filter(o => o.kind === 'Deployment').length;
    process.stdout.write(
      `seed workloads applied: ${deployments} deployments\n`,
    );
  } else {
    throw new Error(`unknown command '${command ?? ''}': use connect or seed`);
  }
}

main().catch(error => {
  const body = (error as { body?: { message?: string } }).body;
  process.stderr.write(`error: ${body?.message ?? (error as Error).message}\n`);
  process.exit(1);
});
