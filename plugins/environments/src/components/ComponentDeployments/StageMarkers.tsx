import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Flex, Text } from '@backstage/ui';
import {
  Deployment,
  EnvironmentPin,
} from '@internal/backstage-plugin-environments-common';
import { RiHourglassLine, RiPushpinLine } from '@remixicon/react';
import { Fragment, ReactNode } from 'react';
import { formatAge } from './deploymentAge';
import { DeployedBy } from './DeployedBy';

function Marker(props: {
  icon: ReactNode;
  label: string;
  color: 'warning' | 'info';
  children: ReactNode;
}) {
  return (
    <Flex
      align="start"
      gap="2"
      role="status"
      aria-label={props.label}
      style={{
        borderLeft: `3px solid var(--bui-fg-${props.color})`,
        paddingLeft: 8,
      }}
    >
      <Text as="span" color={props.color} aria-hidden>
        {props.icon}
      </Text>
      <Text as="div" variant="body-small">
        {props.children}
      </Text>
    </Flex>
  );
}

/**
 * A rollback pinned the environment: nothing automatic rolls it forward,
 * promotions included, until someone deploys to it by hand.
 */
export function PinMarker(props: { pin: EnvironmentPin; now: number }) {
  const { pin, now } = props;
  return (
    <Marker icon={<RiPushpinLine size={16} />} label="Pinned" color="warning">
      <strong>Pinned after a rollback:</strong> {pin.reason}
      <br />
      <Text as="span" variant="body-small" color="secondary">
        by <DeployedBy createdBy={pin.by} />, {formatAge(pin.at, now)}.
        Promotions and pipelines wait until someone deploys by hand.
      </Text>
    </Marker>
  );
}

/** The groups whose members may approve, as links to their pages. */
function Groups(props: { groups: string[] }) {
  return (
    <>
      {props.groups.map((group, index) => (
        <Fragment key={group}>
          {index > 0 && (index === props.groups.length - 1 ? ' or ' : ', ')}
          <EntityRefLink entityRef={group} defaultKind="group" hideIcon />
        </Fragment>
      ))}
    </>
  );
}

/** A deployment that waits for approval before it rolls out. */
export function ApprovalMarker(props: { pending: Deployment; now: number }) {
  const { pending, now } = props;
  const groups = pending.approval?.groups ?? [];
  return (
    <Marker
      icon={<RiHourglassLine size={16} />}
      label="Waiting for approval"
      color="info"
    >
      <strong>{pending.version}</strong> waiting for approval
      {groups.length > 0 && (
        <>
          {' '}
          by <Groups groups={groups} />
        </>
      )}
      <br />
      <Text as="span" variant="body-small" color="secondary">
        asked by <DeployedBy createdBy={pending.createdBy} />,{' '}
        {formatAge(pending.createdAt, now)}
      </Text>
    </Marker>
  );
}
