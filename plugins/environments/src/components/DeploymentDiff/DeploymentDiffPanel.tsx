import { Progress } from '@backstage/core-components';
import { Alert } from '@backstage/ui';
import { Deployment } from '@internal/backstage-plugin-environments-common';
import { useDeploymentDiff } from '../../hooks/useDeploymentDiff';
import { deploymentLabel } from './deploymentLabel';
import { DeploymentDiffView } from './DeploymentDiffView';

/**
 * The diff of two deployments, read from the API (`diffDeployments`):
 * `from` on the left, `to` on the right, each headed by its version.
 */
export function DeploymentDiffPanel(props: {
  from: Deployment;
  to: Deployment;
}) {
  const { from, to } = props;
  const { diff, loading, error } = useDeploymentDiff(from.id, to.id);
  if (error) {
    return (
      <Alert
        status="danger"
        title="Could not compare the deployments"
        description={error.message}
      />
    );
  }
  if (loading || !diff) return <Progress />;
  return (
    <DeploymentDiffView
      diff={diff}
      fromLabel={deploymentLabel(from)}
      toLabel={deploymentLabel(to)}
    />
  );
}
