import { Alert, Flex, Skeleton, Text } from '@backstage/ui';
import { ReactNode } from 'react';

/**
 * The body of a home page widget: its rows as a list, or why there are
 * none, or that they are loading, or why they could not be read.
 */
export function WidgetList(props: {
  label: string;
  loading: boolean;
  error?: Error;
  empty: ReactNode;
  rows: { key: string; content: ReactNode }[] | undefined;
  footer?: ReactNode;
}) {
  const { label, loading, error, empty, rows, footer } = props;
  if (error) {
    return (
      <Alert
        status="danger"
        title={`Could not load ${label}`}
        description={error.message}
      />
    );
  }
  if (loading || !rows) {
    return <Skeleton width="100%" height={64} />;
  }
  return (
    <Flex direction="column" gap="2">
      {rows.length === 0 ? (
        <Text color="secondary">{empty}</Text>
      ) : (
        <ul
          aria-label={label}
          style={{
            listStyle: 'none',
            margin: 0,
            padding: 0,
            display: 'grid',
            gap: 8,
          }}
        >
          {rows.map(row => (
            <li key={row.key}>{row.content}</li>
          ))}
        </ul>
      )}
      {footer}
    </Flex>
  );
}
