import { Text } from '@backstage/ui';
import {
  Deployment,
  DeploymentApproval,
  Environment,
} from '@internal/backstage-plugin-environments-common';
import { RiHourglassLine } from '@remixicon/react';
import { entityName, formatDateTime } from '../format';

/**
 * Whether a deployment or an environment waits for someone's approval: a
 * deployment in `pending-approval`, or an environment of a gated type still
 * `requested` with no decision yet.
 *
 * @public
 */
export function isWaitingForApproval(
  subject: Deployment | Environment,
): boolean {
  if ('state' in subject) {
    return subject.state === 'pending-approval';
  }
  return (
    subject.status === 'requested' &&
    subject.approval !== undefined &&
    subject.approval.decision === undefined
  );
}

/** The approver groups as people say them: "platform-team or release-managers". */
export function approverGroupsText(groups: ReadonlyArray<string>): string {
  const names = groups.map(entityName);
  if (names.length <= 1) {
    return names[0] ?? 'an approver';
  }
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/**
 * The marker of what waits for an approval: "Waiting for approval by
 * platform-team", and until when it may be decided. Renders nothing once the
 * approval was decided. Give it the `approval` of a deployment or an
 * environment for which {@link isWaitingForApproval} holds.
 *
 * @public
 */
export function WaitingForApproval(props: {
  approval: DeploymentApproval;
  /** Also say when the request expires; on by default. */
  showExpiry?: boolean;
}) {
  const { approval, showExpiry = true } = props;
  if (approval.decision) {
    return null;
  }
  return (
    <Text
      as="span"
      variant="body-small"
      color="warning"
      weight="bold"
      style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}
    >
      <span aria-hidden style={{ display: 'inline-flex' }}>
        <RiHourglassLine size={16} />
      </span>
      Waiting for approval by {approverGroupsText(approval.groups)}
      {showExpiry && (
        <Text as="span" variant="body-small" color="secondary">
          {' '}
          (until {formatDateTime(approval.expiresAt)})
        </Text>
      )}
    </Text>
  );
}
