import { Flex, Text } from '@backstage/ui';
import {
  AuditEvent,
  Environment,
  StatusTransition,
} from '@internal/backstage-plugin-environments-common';
import {
  RiCheckboxCircleFill,
  RiCheckboxBlankCircleLine,
  RiErrorWarningFill,
  RiLoader4Line,
} from '@remixicon/react';
import { formatElapsed, formatTime } from '../format';
import { statusLabel } from '../StatusBadge';
import { TimelineStep, timelineSteps } from './timelineSteps';

const icons: Record<TimelineStep['state'], JSX.Element> = {
  done: (
    <RiCheckboxCircleFill size={18} color="var(--bui-positive-fg-subdued)" />
  ),
  current: (
    <RiLoader4Line size={18} color="var(--bui-announcement-fg-subdued)" />
  ),
  failed: (
    <RiErrorWarningFill size={18} color="var(--bui-negative-fg-subdued)" />
  ),
  upcoming: (
    <RiCheckboxBlankCircleLine size={18} color="var(--bui-fg-secondary)" />
  ),
};

const stateWords: Record<TimelineStep['state'], string> = {
  done: 'done',
  current: 'in progress',
  failed: 'failed',
  upcoming: 'not yet',
};

/** The id of the status line, where the focus goes after a teardown. */
export const environmentStatusId = (id: string) => `environment-status-${id}`;

/**
 * The environment's way from request to ready, step by step, with the time
 * each step was reached and how long after the request.
 */
export function EnvironmentTimeline(props: {
  environment: Environment;
  transitions: StatusTransition[];
  audit: AuditEvent[];
}) {
  const { environment } = props;
  const steps = timelineSteps(environment, props.transitions, props.audit);
  return (
    <Flex direction="column" gap="3">
      <Text
        as="p"
        aria-live="polite"
        role="status"
        id={environmentStatusId(environment.id)}
        tabIndex={-1}
      >
        Status: <strong>{statusLabel(environment.status)}</strong>
        {environment.reason && ` — ${environment.reason}`}
      </Text>
      <ol
        aria-label="Timeline"
        style={{ listStyle: 'none', margin: 0, padding: 0 }}
      >
        {steps.map(step => (
          <li
            key={step.id}
            data-step={step.id}
            data-state={step.state}
            style={{
              display: 'flex',
              gap: 12,
              padding: '8px 0',
              borderLeft: '2px solid var(--bui-border-1)',
              paddingLeft: 12,
              marginLeft: 8,
            }}
          >
            <span
              aria-hidden
              style={{
                marginLeft: -22,
                background: 'var(--bui-bg-neutral-1)',
              }}
            >
              {icons[step.state]}
            </span>
            <Flex direction="column" gap="1">
              <Text weight="bold">
                {step.title}
                <Text as="span" variant="body-small" color="secondary">
                  {` (${stateWords[step.state]})`}
                </Text>
              </Text>
              {step.at && (
                <Text variant="body-small" color="secondary">
                  <time dateTime={step.at}>{formatTime(step.at)}</time>{' '}
                  {step.id !== 'requested' &&
                    formatElapsed(environment.createdAt, step.at)}
                </Text>
              )}
              {step.detail && (
                <Text
                  variant="body-small"
                  color={step.state === 'failed' ? 'danger' : 'primary'}
                >
                  {step.detail}
                </Text>
              )}
            </Flex>
          </li>
        ))}
      </ol>
    </Flex>
  );
}
