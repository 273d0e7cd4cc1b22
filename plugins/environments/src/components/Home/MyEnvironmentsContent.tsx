import { useRouteRef } from '@backstage/frontend-plugin-api';
import { Flex, Link, Text } from '@backstage/ui';
import { environmentRouteRef, rootRouteRef } from '../../routes';
import { isWaitingForApproval, WaitingForApproval } from '../Approvals';
import { entityName } from '../format';
import { StatusBadge } from '../StatusBadge';
import { useMyEnvironments } from './useMyEnvironments';
import { WidgetList } from './WidgetList';

/**
 * The home page's "Your environments": the environments of the components
 * the user's groups own, or that they requested, each with its live status.
 */
export function MyEnvironmentsContent() {
  const { environments, error, loading } = useMyEnvironments();
  const environmentLink = useRouteRef(environmentRouteRef);
  const allLink = useRouteRef(rootRouteRef);
  return (
    <WidgetList
      label="your environments"
      loading={loading}
      error={error}
      empty="You have no environments yet. Request one from a component's Environments tab."
      rows={environments?.map(environment => ({
        key: environment.id,
        content: (
          <Flex direction="column" gap="1">
            <Flex gap="2" align="center" justify="between">
              <Link href={environmentLink?.({ id: environment.id }) ?? '#'}>
                {entityName(environment.componentRef)} · {environment.name}
              </Link>
              <StatusBadge status={environment.status} />
            </Flex>
            <Text variant="body-small" color="secondary">
              {environment.type} · {entityName(environment.ownerRef)}
            </Text>
            {isWaitingForApproval(environment) && environment.approval && (
              <WaitingForApproval
                approval={environment.approval}
                showExpiry={false}
              />
            )}
          </Flex>
        ),
      }))}
      footer={
        allLink && (
          <Link href={allLink()} variant="body-small">
            All environments
          </Link>
        )
      }
    />
  );
}
