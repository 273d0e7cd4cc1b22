import { Text } from '@backstage/ui';
import { DeploymentDiff } from '@internal/backstage-plugin-environments-common';
import { CSSProperties, ReactNode } from 'react';
import { DiffRow, diffGroups } from './diffRows';

const cell: CSSProperties = {
  padding: 'var(--bui-space-2) var(--bui-space-3)',
  borderBottom: '1px solid var(--bui-border-1)',
  textAlign: 'left',
  verticalAlign: 'top',
};

const value: CSSProperties = {
  fontFamily: 'var(--bui-font-monospace)',
  overflowWrap: 'anywhere',
};

/** A side's value: marked as what went (left) or what came (right). */
function Side(props: { text?: string; side: 'before' | 'after' }) {
  if (props.text === undefined) {
    return (
      <td style={cell}>
        <Text variant="body-small" color="secondary">
          not set
        </Text>
      </td>
    );
  }
  const background =
    props.side === 'before'
      ? 'var(--bui-negative-bg-subdued)'
      : 'var(--bui-positive-bg-subdued)';
  return (
    <td style={{ ...cell, background }}>
      <Text variant="body-small" style={value}>
        {props.text}
      </Text>
    </td>
  );
}

function Row(props: { row: DiffRow }) {
  const { row } = props;
  return (
    <tr data-path={row.path}>
      <th scope="row" style={cell}>
        <Text variant="body-small" weight="bold">
          {row.label}
        </Text>
      </th>
      <Side side="before" text={row.before} />
      <Side side="after" text={row.after} />
    </tr>
  );
}

/**
 * Two deployments side by side: for each value that differs (image, port,
 * replicas, configuration values, secret references, resources), what the
 * first rolls out on the left and the second on the right. A secret
 * reference only says that it was added, changed or removed; no secret
 * value ever reaches the diff.
 *
 * @public
 */
export function DeploymentDiffView(props: {
  diff: DeploymentDiff;
  /** The left column's heading, such as the version; "Before" by default. */
  fromLabel?: ReactNode;
  /** The right column's heading; "After" by default. */
  toLabel?: ReactNode;
}) {
  const { diff, fromLabel = 'Before', toLabel = 'After' } = props;
  const groups = diffGroups(diff.changes);
  if (groups.length === 0) {
    return (
      <Text>No changes: both deployments roll out the same configuration.</Text>
    );
  }
  return (
    <table
      aria-label="Changes between the two deployments"
      style={{ width: '100%', borderCollapse: 'collapse' }}
    >
      <thead>
        <tr>
          <th scope="col" style={{ ...cell, width: '25%' }}>
            <Text variant="body-small" color="secondary">
              Value
            </Text>
          </th>
          <th scope="col" style={cell}>
            <Text variant="body-small" color="secondary">
              {fromLabel}
            </Text>
          </th>
          <th scope="col" style={cell}>
            <Text variant="body-small" color="secondary">
              {toLabel}
            </Text>
          </th>
        </tr>
      </thead>
      {groups.map(group => (
        <tbody key={group.title}>
          <tr>
            <th
              scope="colgroup"
              colSpan={3}
              style={{ ...cell, background: 'var(--bui-bg-neutral-2)' }}
            >
              <Text variant="body-small" weight="bold">
                {group.title}
              </Text>
            </th>
          </tr>
          {group.rows.map(row => (
            <Row key={row.path} row={row} />
          ))}
        </tbody>
      ))}
    </table>
  );
}
