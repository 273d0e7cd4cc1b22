import { useRouteRef } from '@backstage/frontend-plugin-api';
import { Flex, Link, Text } from '@backstage/ui';
import { environmentRouteRef } from '../../routes';
import { WaitingForApproval } from '../Approvals';
import { DeploymentStateBadge } from '../DeploymentStateBadge';
import { entityName, formatDateTime } from '../format';
import { useMyEnvironments } from './useMyEnvironments';
import { useRecentDeployments } from './useRecentDeployments';
import { WidgetList } from './WidgetList';

const SHOWN = 8;

/**
 * The home page's "Recent deployments": the newest deployments to the
 * user's environments, with their state as it changes, so that whoever
 * asked sees the outcome (rolled out, failed, approved or rejected and why).
 */
export function RecentDeploymentsContent() {
  const mine = useMyEnvironments();
  const { deployments, error } = useRecentDeployments(mine.environments, SHOWN);
  const environmentLink = useRouteRef(environmentRouteRef);
  return (
    <WidgetList
      label="recent deployments"
      loading={!deployments}
      error={mine.error ?? error}
      empty="No deployments to your environments yet."
      rows={deployments?.map(d => {
        const decision = d.approval?.decision;
        return {
          key: d.id,
          content: (
            <Flex direction="column" gap="1">
              <Flex gap="2" align="center" justify="between">
                <Link href={environmentLink?.({ id: d.environmentId }) ?? '#'}>
                  {entityName(d.componentRef)} {d.version} → {d.environmentName}
                </Link>
                <DeploymentStateBadge state={d.state} />
              </Flex>
              <Text variant="body-small" color="secondary">
                {d.message} · {entityName(d.createdBy)},{' '}
                {formatDateTime(d.createdAt)}
              </Text>
              {d.state === 'pending-approval' && d.approval && (
                <WaitingForApproval approval={d.approval} showExpiry={false} />
              )}
              {decision && (
                <Text variant="body-small">
                  {decision.outcome === 'approved' ? 'Approved' : 'Rejected'} by{' '}
                  {entityName(decision.by)}: {decision.comment}
                </Text>
              )}
              {d.state === 'failed' && d.reason && (
                <Text variant="body-small" color="danger">
                  {d.reason}
                </Text>
              )}
            </Flex>
          ),
        };
      })}
    />
  );
}
