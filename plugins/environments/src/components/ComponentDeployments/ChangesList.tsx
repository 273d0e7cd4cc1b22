import { Text } from '@backstage/ui';
import { ConfigChange } from '@internal/backstage-plugin-environments-common';

/** A value of a change as people read it; a secret reference names its key only. */
function Value(props: { path: string; value: ConfigChange['from'] }) {
  if (props.value === undefined) {
    return (
      <Text as="span" variant="body-small" color="secondary">
        not set
      </Text>
    );
  }
  return (
    <code>
      {props.path.startsWith('secretRefs.')
        ? `secret ${props.value}`
        : String(props.value)}
    </code>
  );
}

const cell = { padding: '4px 12px 4px 0', verticalAlign: 'top' } as const;

/**
 * The structured changes of a diff, one row per value: what it is in
 * `fromLabel` and what it becomes. Secret values are never part of a diff,
 * only which secret a variable refers to.
 */
export function ChangesList(props: {
  changes: ReadonlyArray<ConfigChange>;
  label: string;
  fromLabel: string;
  toLabel: string;
}) {
  const { changes, label, fromLabel, toLabel } = props;
  return (
    <table aria-label={label} style={{ borderCollapse: 'collapse' }}>
      <thead>
        <tr>
          {['Value', fromLabel, toLabel].map(heading => (
            <th
              key={heading}
              scope="col"
              style={{ ...cell, textAlign: 'left' }}
            >
              <Text variant="body-small" color="secondary">
                {heading}
              </Text>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {changes.map(change => (
          <tr key={change.path}>
            <th scope="row" style={{ ...cell, textAlign: 'left' }}>
              <Text variant="body-small" weight="bold">
                {change.path}
              </Text>
            </th>
            <td style={cell}>
              <Value path={change.path} value={change.from} />
            </td>
            <td style={cell}>
              <Value path={change.path} value={change.to} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
