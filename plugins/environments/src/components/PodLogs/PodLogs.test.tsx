import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EnvironmentLogsQuery } from '@internal/backstage-plugin-environments-common';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { environmentsApiRef } from '../../api';
import { anEnvironment, mockEnvironmentsApi } from '../../__testUtils__';
import { PodLogs } from './PodLogs';

const pod = {
  name: 'payments-service-7d9f-x2',
  phase: 'Running',
  ready: true,
  restarts: 0,
  createdAt: '2026-11-21T09:00:30.000Z',
  containers: [
    {
      name: 'payments-service',
      image: 'registry.local/payments-service:latest',
      ready: true,
      restartCount: 0,
      state: 'running' as const,
    },
  ],
};

/** A log the test writes to, line by line, as a container would. */
function logStream() {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  return {
    stream,
    write: (text: string) =>
      act(async () => controller.enqueue(encoder.encode(text))),
  };
}

function renderLogs() {
  const logs: Array<ReturnType<typeof logStream>> = [];
  const openLogs = jest.fn(
    async (_id: string, _query: EnvironmentLogsQuery) => {
      const log = logStream();
      logs.push(log);
      return log.stream;
    },
  );
  const api = mockEnvironmentsApi({
    listPods: async () => ({ items: [pod] }),
    openLogs,
  });
  renderInTestApp(<PodLogs environment={anEnvironment()} />, {
    apis: [[environmentsApiRef, api]],
  });
  return { logs, openLogs };
}

describe('PodLogs', () => {
  it('shows each line as the container writes it, even one split across chunks', async () => {
    const { logs, openLogs } = renderLogs();
    await waitFor(() => expect(openLogs).toHaveBeenCalled());
    expect(openLogs.mock.calls[0][1]).toMatchObject({
      pod: pod.name,
      container: 'payments-service',
      follow: true,
      timestamps: true,
      tailLines: 500,
    });
    const log = screen.getByRole('log', {
      name: `Log of ${pod.name}, container payments-service`,
    });

    await logs[0].write('2026-11-21T09:01:00.000000001Z started\n');
    await waitFor(() => expect(log).toHaveTextContent('started'));
    await logs[0].write('2026-11-21T09:01:05.000000001Z request ');
    await logs[0].write('served\n');

    await waitFor(() => expect(log).toHaveTextContent('request served'));
    expect(screen.getByText(/Following: new lines appear/)).toBeInTheDocument();
  });

  it('filters the lines by their text', async () => {
    const { logs, openLogs } = renderLogs();
    await waitFor(() => expect(openLogs).toHaveBeenCalled());
    await logs[0].write(
      '2026-11-21T09:01:00Z GET /healthz\n2026-11-21T09:01:01Z POST /orders\n',
    );

    await userEvent.type(
      screen.getByRole('searchbox', { name: 'Filter lines' }),
      'orders',
    );

    const log = screen.getByRole('log');
    await waitFor(() => expect(log).not.toHaveTextContent('/healthz'));
    expect(log).toHaveTextContent('POST /orders');
    expect(screen.getByText(/1 of 2 lines match/)).toBeInTheDocument();
  });

  it('stops following, and on resuming asks only for what was written since', async () => {
    const { logs, openLogs } = renderLogs();
    await waitFor(() => expect(openLogs).toHaveBeenCalledTimes(1));
    await logs[0].write('2026-11-21T09:01:00.5Z first\n');
    await waitFor(() =>
      expect(screen.getByRole('log')).toHaveTextContent('first'),
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Stop following' }),
    );
    expect(await screen.findByText(/Stopped\./)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Follow' }));

    await waitFor(() => expect(openLogs).toHaveBeenCalledTimes(2));
    const resumed = openLogs.mock.calls[1][1];
    expect(resumed.follow).toBe(true);
    expect(resumed.tailLines).toBeUndefined();
    expect(resumed.sinceSeconds).toBeGreaterThan(0);
    // What the resumed stream sends again is not shown twice.
    await logs[1].write(
      '2026-11-21T09:01:00.5Z first\n2026-11-21T09:01:07Z second\n',
    );
    await waitFor(() =>
      expect(screen.getByRole('log')).toHaveTextContent('second'),
    );
    expect(screen.getByRole('log').textContent?.match(/first/g)).toHaveLength(
      1,
    );
  });
});
