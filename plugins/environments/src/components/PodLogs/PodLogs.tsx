import {
  Alert,
  Button,
  Flex,
  SearchField,
  Select,
  Switch,
  Text,
} from '@backstage/ui';
import {
  Environment,
  EnvironmentPod,
} from '@internal/backstage-plugin-environments-common';
import { RiDownloadLine, RiPauseLine, RiPlayLine } from '@remixicon/react';
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useEnvironmentPods } from '../../hooks/useEnvironmentPods';
import { LogLine } from './logLines';
import { useLogStream } from './useLogStream';

/** The pod to show first: a running one if there is one. */
function defaultPod(pods: EnvironmentPod[]): EnvironmentPod | undefined {
  return pods.find(pod => pod.phase === 'Running') ?? pods[0];
}

function download(fileName: string, lines: LogLine[]) {
  const text = lines
    .map(line => (line.time ? `${line.time} ${line.text}` : line.text))
    .join('\n');
  const url = URL.createObjectURL(
    new Blob([`${text}\n`], { type: 'text/plain;charset=utf-8' }),
  );
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // After the click has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const stateWords = {
  loading: 'Loading…',
  following: 'Following: new lines appear as they are written.',
  stopped: 'Stopped.',
  ended: 'End of log.',
};

/**
 * The log of one container of the environment: pick a pod and container,
 * follow it live, stop and resume, read the previous container's log,
 * filter the lines, download them.
 */
export function PodLogs(props: { environment: Environment }) {
  const { environment } = props;
  const { pods, error: podsError } = useEnvironmentPods(
    environment.id,
    environment.updatedAt,
  );
  const [podName, setPodName] = useState<string>();
  const [containerName, setContainerName] = useState<string>();
  const [previous, setPrevious] = useState(false);
  const [follow, setFollow] = useState(true);
  const [attempt, setAttempt] = useState(0);
  const [filter, setFilter] = useState('');
  const [autoScroll, setAutoScroll] = useState(true);
  const [showTimes, setShowTimes] = useState(false);
  const logRef = useRef<HTMLPreElement>(null);

  const pod = pods?.find(p => p.name === podName) ?? (pods && defaultPod(pods));
  const container =
    pod?.containers.find(c => c.name === containerName) ?? pod?.containers[0];
  const source =
    pod && container
      ? { pod: pod.name, container: container.name, previous }
      : undefined;
  const { lines, state, error } = useLogStream(
    environment.id,
    source,
    follow,
    attempt,
  );

  const visible = useMemo(() => {
    const needle = filter.trim().toLocaleLowerCase();
    return needle
      ? lines.filter(line => line.text.toLocaleLowerCase().includes(needle))
      : lines;
  }, [lines, filter]);

  useLayoutEffect(() => {
    if (autoScroll && logRef.current) {
      logRef.current.scrollTop = logRef.current.scrollHeight;
    }
  }, [visible, autoScroll]);

  if (podsError) {
    return (
      <Alert
        status="danger"
        title="Could not list the pods"
        description={podsError.message}
      />
    );
  }
  if (pods && pods.length === 0) {
    return (
      <Text color="secondary">
        No pods run in this environment yet, so there are no logs.
      </Text>
    );
  }

  const following = state === 'following';
  return (
    <Flex direction="column" gap="3">
      <Flex gap="3" align="end" style={{ flexWrap: 'wrap' }}>
        <Select
          label="Pod"
          value={pod?.name ?? null}
          onChange={key => {
            setPodName(key ? String(key) : undefined);
            setContainerName(undefined);
          }}
          options={(pods ?? []).map(p => ({
            id: p.name,
            label: p.name,
            description: `${p.phase}${p.ready ? ', ready' : ''}${
              p.restarts ? `, ${p.restarts} restarts` : ''
            }`,
          }))}
        />
        <Select
          label="Container"
          value={container?.name ?? null}
          onChange={key => setContainerName(key ? String(key) : undefined)}
          options={(pod?.containers ?? []).map(c => ({
            id: c.name,
            label: c.name,
            description: c.image,
          }))}
        />
        <SearchField
          label="Filter lines"
          value={filter}
          onChange={setFilter}
          placeholder="Text to look for"
        />
      </Flex>
      <Flex gap="4" align="center" style={{ flexWrap: 'wrap' }}>
        {following ? (
          <Button
            variant="secondary"
            iconStart={<RiPauseLine />}
            onPress={() => setFollow(false)}
          >
            Stop following
          </Button>
        ) : (
          <Button
            variant="secondary"
            iconStart={<RiPlayLine />}
            isDisabled={previous || !source}
            onPress={() => {
              setFollow(true);
              setAttempt(n => n + 1);
            }}
          >
            Follow
          </Button>
        )}
        <Switch
          label="Previous container"
          isSelected={previous}
          onChange={setPrevious}
        />
        <Switch
          label="Auto-scroll"
          isSelected={autoScroll}
          onChange={setAutoScroll}
        />
        <Switch
          label="Show times"
          isSelected={showTimes}
          onChange={setShowTimes}
        />
        <Button
          variant="secondary"
          iconStart={<RiDownloadLine />}
          isDisabled={lines.length === 0}
          onPress={() =>
            download(
              `${environment.namespace}_${pod?.name}_${container?.name}${
                previous ? '_previous' : ''
              }.log`,
              lines,
            )
          }
        >
          Download
        </Button>
      </Flex>
      {error && (
        <Alert
          status="danger"
          title="The log could not be read"
          description={error.message}
        />
      )}
      <pre
        ref={logRef}
        role="log"
        aria-live="off"
        aria-label={
          source
            ? `Log of ${source.pod}, container ${source.container}${
                previous ? ' (previous)' : ''
              }`
            : 'Log'
        }
        // A scrollable region must take the focus, or keyboard users
        // cannot scroll it (WCAG 2.1.1).
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
        tabIndex={0}
        style={{
          margin: 0,
          height: 420,
          overflow: 'auto',
          padding: 12,
          fontSize: 12,
          lineHeight: 1.5,
          background: 'var(--bui-bg-neutral-2)',
          border: '1px solid var(--bui-border-1)',
          borderRadius: 4,
          whiteSpace: 'pre-wrap',
          overflowWrap: 'anywhere',
        }}
      >
        {visible
          .map(line =>
            showTimes && line.time ? `${line.time}  ${line.text}` : line.text,
          )
          .join('\n')}
      </pre>
      <Text variant="body-small" color="secondary">
        {filter
          ? `${visible.length} of ${lines.length} lines match. `
          : `${lines.length} lines. `}
        {stateWords[state]}
      </Text>
    </Flex>
  );
}
