import { useRouteRef } from '@backstage/frontend-plugin-api';
import { Flex, Link, Text } from '@backstage/ui';
import { approvalsRouteRef } from '../../routes';
import { WaitingForApproval } from '../Approvals';
import { useLiveApprovals } from '../Approvals/useLiveApprovals';
import { entityName, formatDateTime } from '../format';
import { WidgetList } from './WidgetList';

/**
 * The home page's "Waiting for your approval": what the user may decide,
 * and their own requests that wait for someone else, live; each links to
 * the Approvals page, where they are decided.
 */
export function MyApprovalsContent() {
  const { approvals, error, loading } = useLiveApprovals();
  const approvalsLink = useRouteRef(approvalsRouteRef);
  const href = approvalsLink?.() ?? '#';
  const rows = approvals && [
    ...approvals.toDecide.deployments.map(d => ({
      key: d.id,
      content: (
        <Flex direction="column" gap="1">
          <Link href={href}>
            Deploy {entityName(d.componentRef)} {d.version} to{' '}
            {d.environmentName}
          </Link>
          <Text variant="body-small" color="secondary">
            Asked by {entityName(d.createdBy)}, {formatDateTime(d.createdAt)}
          </Text>
        </Flex>
      ),
    })),
    ...approvals.toDecide.environments.map(e => ({
      key: e.id,
      content: (
        <Flex direction="column" gap="1">
          <Link href={href}>
            New {e.type} environment {e.name} of {entityName(e.componentRef)}
          </Link>
          <Text variant="body-small" color="secondary">
            Asked by {entityName(e.createdBy)}, {formatDateTime(e.createdAt)}
          </Text>
        </Flex>
      ),
    })),
  ];
  const ownWaiting = approvals
    ? [...approvals.own.deployments, ...approvals.own.environments].filter(
        item => item.approval && !item.approval.decision,
      )
    : [];
  return (
    <WidgetList
      label="what waits for your approval"
      loading={loading}
      error={error}
      empty="Nothing waits for your approval."
      rows={rows}
      footer={
        <Flex direction="column" gap="1">
          {ownWaiting.map(
            item =>
              item.approval && (
                <Text key={item.id} variant="body-small">
                  Your request for{' '}
                  {'state' in item
                    ? `${entityName(item.componentRef)} ${item.version} in ${
                        item.environmentName
                      }`
                    : `${entityName(item.componentRef)} ${item.name}`}
                  :{' '}
                  <WaitingForApproval
                    approval={item.approval}
                    showExpiry={false}
                  />
                </Text>
              ),
          )}
          <Link href={href} variant="body-small">
            All approvals
          </Link>
        </Flex>
      }
    />
  );
}
