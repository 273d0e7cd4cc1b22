import { Flex, Text } from '@backstage/ui';
import { Deployment } from '@internal/backstage-plugin-environments-common';
import { WaitingForApproval } from '../Approvals';
import { formatAge } from './deploymentAge';
import { DeployedBy } from './DeployedBy';

/**
 * A deployment that waits for approval before it rolls out: which version,
 * who asked, and by whom it waits to be approved.
 */
export function ApprovalMarker(props: { pending: Deployment; now: number }) {
  const { pending, now } = props;
  return (
    <Flex
      direction="column"
      gap="1"
      role="status"
      aria-label="Waiting for approval"
      style={{
        borderLeft: '3px solid var(--bui-fg-warning)',
        paddingLeft: 8,
      }}
    >
      <Text as="p" variant="body-small">
        <strong>{pending.version}</strong> asked for by{' '}
        <DeployedBy createdBy={pending.createdBy} />,{' '}
        {formatAge(pending.createdAt, now)}
      </Text>
      {pending.approval ? (
        <WaitingForApproval approval={pending.approval} showExpiry={false} />
      ) : (
        <Text as="p" variant="body-small" color="warning" weight="bold">
          Waiting for approval
        </Text>
      )}
    </Flex>
  );
}
