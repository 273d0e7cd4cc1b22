import { renderInTestApp } from '@backstage/frontend-test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { Environment } from '@internal/backstage-plugin-environments-common';
import { act, screen, waitFor, within } from '@testing-library/react';
import { environmentsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  anEnvironment,
  FakeSignalApi,
  mockEnvironmentsApi,
  responseError,
} from '../../__testUtils__';
import { EnvironmentsPage } from './EnvironmentsPage';

const provisioning = anEnvironment({ status: 'provisioning' });

function renderPage(listed = [provisioning]) {
  const signals = new FakeSignalApi();
  const listEnvironments = jest.fn(async () => ({ items: listed }));
  const getEnvironment = jest.fn(
    async (_id: string): Promise<Environment> => provisioning,
  );
  renderInTestApp(<EnvironmentsPage />, {
    apis: [
      [
        environmentsApiRef,
        mockEnvironmentsApi({ listEnvironments, getEnvironment }),
      ],
      [signalApiRef, signals],
    ],
    mountedRoutes: { '/environments': rootRouteRef },
  });
  return { signals, listEnvironments, getEnvironment };
}

const rowOf = async (name: string) =>
  (await screen.findByRole('rowheader', { name: new RegExp(name) })).closest(
    '[role="row"]',
  ) as HTMLElement;

/** Lets the answers the test already gave reach the page. */
const settle = () => act(async () => {});

describe('EnvironmentsPage', () => {
  it("updates a row's status when the backend signals a change, reading only that environment again", async () => {
    const { signals, listEnvironments, getEnvironment } = renderPage();
    const row = await rowOf('pr-1');
    expect(within(row).getByText('Provisioning')).toBeInTheDocument();
    getEnvironment.mockResolvedValueOnce({
      ...provisioning,
      status: 'ready',
      updatedAt: '2026-11-21T09:01:00.000Z',
    });

    signals.publish('environments', { id: provisioning.id, status: 'ready' });

    await waitFor(() =>
      expect(within(row).getByText('Ready')).toBeInTheDocument(),
    );
    expect(getEnvironment).toHaveBeenCalledWith(provisioning.id);
    expect(listEnvironments).toHaveBeenCalledTimes(1);
  });

  it('ignores a version older than what it shows', async () => {
    const ready = { ...provisioning, status: 'ready' as const };
    const { signals, getEnvironment } = renderPage([ready]);
    const row = await rowOf('pr-1');
    getEnvironment.mockResolvedValueOnce({
      ...provisioning,
      status: 'provisioning',
      updatedAt: '2026-11-21T08:59:00.000Z',
    });

    signals.publish('environments', {
      id: provisioning.id,
      status: 'provisioning',
    });
    await waitFor(() => expect(getEnvironment).toHaveBeenCalledTimes(1));
    await settle();

    expect(within(row).getByText('Ready')).toBeInTheDocument();
  });

  it('lists a new environment again from the backend, which decides who may see it', async () => {
    const { signals, listEnvironments } = renderPage();
    await rowOf('pr-1');
    const created = anEnvironment({
      id: 'env-2',
      name: 'pr-2',
      namespace: 'orders-service-pr-2',
      status: 'requested',
    });
    listEnvironments.mockResolvedValueOnce({ items: [provisioning, created] });

    signals.publish('environments', { id: created.id, status: 'requested' });

    const row = await rowOf('pr-2');
    expect(within(row).getByText('Requested')).toBeInTheDocument();
    expect(listEnvironments).toHaveBeenCalledTimes(2);
  });

  it('takes a deleted environment off the list', async () => {
    const { signals, getEnvironment } = renderPage();
    await rowOf('pr-1');
    getEnvironment.mockResolvedValueOnce({
      ...provisioning,
      status: 'deleted',
      updatedAt: '2026-11-21T09:05:00.000Z',
    });

    signals.publish('environments', { id: provisioning.id, status: 'deleted' });

    await waitFor(() =>
      expect(screen.queryByRole('rowheader', { name: /pr-1/ })).toBeNull(),
    );
    expect(screen.getByText('No environments yet.')).toBeInTheDocument();
  });

  it('takes an environment the user may no longer see off the list', async () => {
    const { signals, getEnvironment } = renderPage();
    await rowOf('pr-1');
    getEnvironment.mockRejectedValueOnce(
      await responseError(404, {
        name: 'NotFoundError',
        message: `No environment with id '${provisioning.id}'`,
      }),
    );

    signals.publish('environments', { id: provisioning.id, status: 'ready' });

    await waitFor(() =>
      expect(screen.queryByRole('rowheader', { name: /pr-1/ })).toBeNull(),
    );
  });

  it('asks only once about an environment the backend does not list for the user', async () => {
    const { signals, listEnvironments, getEnvironment } = renderPage();
    await rowOf('pr-1');

    signals.publish('environments', { id: 'env-9', status: 'provisioning' });
    await waitFor(() => expect(listEnvironments).toHaveBeenCalledTimes(2));
    signals.publish('environments', { id: 'env-9', status: 'ready' });

    expect(listEnvironments).toHaveBeenCalledTimes(2);
    expect(getEnvironment).not.toHaveBeenCalled();
    expect(screen.queryByRole('rowheader', { name: /secret/ })).toBeNull();
  });

  it('asks about one environment once at a time, however many signals arrive', async () => {
    const { signals, getEnvironment } = renderPage();
    const row = await rowOf('pr-1');
    const answers: Array<(environment: Environment) => void> = [];
    getEnvironment.mockImplementation(
      () => new Promise(resolve => answers.push(resolve)),
    );

    for (const status of ['provisioning', 'provisioning', 'ready'] as const) {
      signals.publish('environments', { id: provisioning.id, status });
    }
    expect(getEnvironment).toHaveBeenCalledTimes(1);
    await act(async () => answers[0](provisioning));
    // One more, sent after the last signal, for the changes since the first.
    expect(getEnvironment).toHaveBeenCalledTimes(2);
    await act(async () =>
      answers[1]({
        ...provisioning,
        status: 'ready',
        updatedAt: '2026-11-21T09:01:00.000Z',
      }),
    );

    expect(within(row).getByText('Ready')).toBeInTheDocument();
    expect(getEnvironment).toHaveBeenCalledTimes(2);
  });

  it('ignores a message that is not an environments signal', async () => {
    const { signals, listEnvironments, getEnvironment } = renderPage();
    const row = await rowOf('pr-1');

    signals.publish('environments', {
      environment: { id: provisioning.id, status: 'ready' },
    });
    signals.publish('environments', { id: provisioning.id, status: 'gone' });
    await settle();

    expect(within(row).getByText('Provisioning')).toBeInTheDocument();
    expect(getEnvironment).not.toHaveBeenCalled();
    expect(listEnvironments).toHaveBeenCalledTimes(1);
  });
});
