import { Deployment } from '@internal/backstage-plugin-environments-common';

/** A deployment as the history names it: its version and its number, "1.4.2 (#3)". */
export function deploymentLabel(
  deployment: Pick<Deployment, 'version' | 'sequence'>,
): string {
  return `${deployment.version} (#${deployment.sequence})`;
}
