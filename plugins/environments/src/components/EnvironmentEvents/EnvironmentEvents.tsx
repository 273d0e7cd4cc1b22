import { useApi } from '@backstage/frontend-plugin-api';
import { Alert, Button, Flex, Text } from '@backstage/ui';
import {
  Environment,
  EnvironmentEvent,
} from '@internal/backstage-plugin-environments-common';
import {
  RiErrorWarningFill,
  RiInformationLine,
  RiRefreshLine,
} from '@remixicon/react';
import { useEffect } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { environmentsApiRef } from '../../api';
import { formatDateTime } from '../format';

/** Events change without a status change (a pod restarting), so they are also polled. */
const REFRESH_INTERVAL_MS = 10_000;

/** A time the event has, if any: Kubernetes leaves some unset (the epoch). */
function knownTime(...times: string[]): string | undefined {
  return times.find(time => Date.parse(time) > 0);
}

function EventItem(props: { event: EnvironmentEvent }) {
  const { event } = props;
  const warning = event.type === 'Warning';
  return (
    <li
      data-type={event.type}
      style={{
        listStyle: 'none',
        padding: 12,
        borderRadius: 4,
        border: `1px solid ${
          warning ? 'var(--bui-negative-border)' : 'var(--bui-border-1)'
        }`,
        background: warning ? 'var(--bui-negative-bg-subdued)' : undefined,
      }}
    >
      <Flex direction="column" gap="1">
        <Flex gap="2" align="center">
          <span aria-hidden style={{ display: 'inline-flex' }}>
            {warning ? (
              <RiErrorWarningFill
                size={16}
                color="var(--bui-negative-fg-subdued)"
              />
            ) : (
              <RiInformationLine size={16} />
            )}
          </span>
          <Text weight="bold" color={warning ? 'danger' : 'primary'}>
            {warning ? 'Warning' : 'Normal'}: {event.reason}
          </Text>
          <Text variant="body-small" color="secondary">
            {event.object.kind} {event.object.name}
          </Text>
        </Flex>
        <Text variant="body-small">{event.message}</Text>
        {event.hint && (
          <Text variant="body-small">
            <strong>What this means: </strong>
            {event.hint}
          </Text>
        )}
        <Text variant="body-small" color="secondary">
          {event.count > 1 && `${event.count} times, last `}
          {formatDateTime(knownTime(event.lastSeen, event.firstSeen))}
        </Text>
      </Flex>
    </li>
  );
}

/**
 * The Kubernetes events of the environment's namespace, newest first, with
 * warnings set apart and explained in plain words where the backend can.
 * Refreshed on every pushed change of the environment and every 10 seconds.
 */
export function EnvironmentEvents(props: { environment: Environment }) {
  const { environment } = props;
  const api = useApi(environmentsApiRef);
  const { value, error, loading, retry } = useAsyncRetry(
    async () => (await api.listEvents(environment.id)).items,
    [api, environment.id, environment.updatedAt],
  );

  useEffect(() => {
    const timer = setInterval(retry, REFRESH_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [retry]);

  const warnings = value?.filter(event => event.type === 'Warning').length ?? 0;
  return (
    <Flex direction="column" gap="3">
      <Flex justify="between" align="center">
        <Text variant="body-small" color="secondary">
          {value
            ? `${value.length} events, ${warnings} ${
                warnings === 1 ? 'warning' : 'warnings'
              }`
            : 'Loading events…'}
        </Text>
        <Button
          size="small"
          variant="tertiary"
          iconStart={<RiRefreshLine />}
          isPending={loading}
          onPress={retry}
        >
          Refresh
        </Button>
      </Flex>
      {error && (
        <Alert
          status="danger"
          title="Could not load the events"
          description={error.message}
        />
      )}
      {value && value.length === 0 && (
        <Text color="secondary">No events in the namespace.</Text>
      )}
      <ol
        aria-label="Events"
        style={{
          margin: 0,
          padding: 0,
          display: 'flex',
          flexDirection: 'column',
          gap: 8,
        }}
      >
        {value?.map(event => (
          <EventItem
            key={`${event.object.kind}/${event.object.name}/${event.reason}/${event.firstSeen}`}
            event={event}
          />
        ))}
      </ol>
    </Flex>
  );
}
