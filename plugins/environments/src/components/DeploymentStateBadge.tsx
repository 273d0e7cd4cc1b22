import { Text } from '@backstage/ui';
import { DeploymentState } from '@internal/backstage-plugin-environments-common';
import {
  RiArrowGoBackLine,
  RiCheckboxCircleFill,
  RiCloseCircleLine,
  RiErrorWarningFill,
  RiLoader4Line,
  RiSkipForwardLine,
  RiTimeLine,
  RiUserStarLine,
} from '@remixicon/react';
import { ComponentProps, ReactElement } from 'react';

type Look = {
  label: string;
  color: ComponentProps<typeof Text>['color'];
  icon: ReactElement;
};

const looks: Record<DeploymentState, Look> = {
  'pending-approval': {
    label: 'Waiting for approval',
    color: 'warning',
    icon: <RiUserStarLine size={16} />,
  },
  'rolling-out': {
    label: 'Rolling out',
    color: 'info',
    icon: <RiLoader4Line size={16} />,
  },
  succeeded: {
    label: 'Succeeded',
    color: 'success',
    icon: <RiCheckboxCircleFill size={16} />,
  },
  failed: {
    label: 'Failed',
    color: 'danger',
    icon: <RiErrorWarningFill size={16} />,
  },
  superseded: {
    label: 'Superseded',
    color: 'secondary',
    icon: <RiSkipForwardLine size={16} />,
  },
  'rolled-back': {
    label: 'Rolled back',
    color: 'warning',
    icon: <RiArrowGoBackLine size={16} />,
  },
  rejected: {
    label: 'Rejected',
    color: 'danger',
    icon: <RiCloseCircleLine size={16} />,
  },
  expired: {
    label: 'Expired',
    color: 'secondary',
    icon: <RiTimeLine size={16} />,
  },
};

/** A deployment's state as people read it. */
export function deploymentStateLabel(state: DeploymentState): string {
  return looks[state]?.label ?? state;
}

/** A deployment's state: a word, a colour and an icon that says the same. */
export function DeploymentStateBadge(props: { state: DeploymentState }) {
  const look = looks[props.state];
  return (
    <Text
      as="span"
      color={look?.color ?? 'secondary'}
      weight="bold"
      variant="body-small"
      data-state={props.state}
      style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}
    >
      <span aria-hidden style={{ display: 'inline-flex' }}>
        {look?.icon}
      </span>
      {deploymentStateLabel(props.state)}
    </Text>
  );
}
