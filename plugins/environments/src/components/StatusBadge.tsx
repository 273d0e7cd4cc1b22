import { Text } from '@backstage/ui';
import { EnvironmentStatus } from '@internal/backstage-plugin-environments-common';
import {
  RiCheckboxCircleFill,
  RiDeleteBinLine,
  RiErrorWarningFill,
  RiLoader4Line,
  RiTimeLine,
} from '@remixicon/react';
import { ComponentProps, ReactElement } from 'react';

type Look = {
  label: string;
  color: ComponentProps<typeof Text>['color'];
  icon: ReactElement;
};

const looks: Record<EnvironmentStatus, Look> = {
  requested: {
    label: 'Requested',
    color: 'info',
    icon: <RiTimeLine size={16} />,
  },
  provisioning: {
    label: 'Provisioning',
    color: 'info',
    icon: <RiLoader4Line size={16} />,
  },
  ready: {
    label: 'Ready',
    color: 'success',
    icon: <RiCheckboxCircleFill size={16} />,
  },
  failed: {
    label: 'Failed',
    color: 'danger',
    icon: <RiErrorWarningFill size={16} />,
  },
  deleting: {
    label: 'Deleting',
    color: 'warning',
    icon: <RiDeleteBinLine size={16} />,
  },
  deleted: {
    label: 'Deleted',
    color: 'secondary',
    icon: <RiDeleteBinLine size={16} />,
  },
};

/** A status as people read it: a word, a colour and an icon that says the same. */
export function StatusBadge(props: { status: EnvironmentStatus }) {
  const look = looks[props.status] ?? {
    label: props.status,
    color: 'secondary',
    icon: <RiTimeLine size={16} />,
  };
  return (
    <Text
      as="span"
      color={look.color}
      weight="bold"
      variant="body-small"
      style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}
    >
      <span aria-hidden style={{ display: 'inline-flex' }}>
        {look.icon}
      </span>
      {look.label}
    </Text>
  );
}

export function statusLabel(status: EnvironmentStatus): string {
  return looks[status]?.label ?? status;
}
