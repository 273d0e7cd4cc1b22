import { renderInTestApp } from '@backstage/frontend-test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { screen, waitFor, within } from '@testing-library/react';
import { environmentsApiRef, EnvironmentsPortalApi } from '../../api';
import { rootRouteRef } from '../../routes';
import { anEnvironment, FakeSignalApi } from '../../__testUtils__';
import { EnvironmentsPage } from './EnvironmentsPage';

const provisioning = anEnvironment({ status: 'provisioning' });

function renderPage(listed = [provisioning]) {
  const signals = new FakeSignalApi();
  const listEnvironments = jest.fn(async () => ({ items: listed }));
  const api = { listEnvironments } as Partial<EnvironmentsPortalApi>;
  renderInTestApp(<EnvironmentsPage />, {
    apis: [
      [environmentsApiRef, api as EnvironmentsPortalApi],
      [signalApiRef, signals],
    ],
    mountedRoutes: { '/environments': rootRouteRef },
  });
  return { signals, listEnvironments };
}

const rowOf = async (name: string) =>
  (await screen.findByRole('rowheader', { name: new RegExp(name) })).closest(
    '[role="row"]',
  ) as HTMLElement;

describe('EnvironmentsPage', () => {
  it("updates a row's status when the backend pushes a change, without asking again", async () => {
    const { signals, listEnvironments } = renderPage();
    const row = await rowOf('pr-1');
    expect(within(row).getByText('Provisioning')).toBeInTheDocument();

    signals.publish('environments', {
      environment: {
        ...provisioning,
        status: 'ready',
        updatedAt: '2026-11-21T09:01:00.000Z',
      },
    });

    await waitFor(() =>
      expect(within(row).getByText('Ready')).toBeInTheDocument(),
    );
    expect(listEnvironments).toHaveBeenCalledTimes(1);
  });

  it('ignores a pushed change older than what it shows', async () => {
    const ready = { ...provisioning, status: 'ready' as const };
    const { signals } = renderPage([ready]);
    const row = await rowOf('pr-1');

    signals.publish('environments', {
      environment: {
        ...provisioning,
        status: 'provisioning',
        updatedAt: '2026-11-21T08:59:00.000Z',
      },
    });

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

    signals.publish('environments', { environment: created });

    const row = await rowOf('pr-2');
    expect(within(row).getByText('Requested')).toBeInTheDocument();
    expect(listEnvironments).toHaveBeenCalledTimes(2);
  });

  it('takes a deleted environment off the list', async () => {
    const { signals } = renderPage();
    await rowOf('pr-1');

    signals.publish('environments', {
      environment: {
        ...provisioning,
        status: 'deleted',
        updatedAt: '2026-11-21T09:05:00.000Z',
      },
    });

    await waitFor(() =>
      expect(screen.queryByRole('rowheader', { name: /pr-1/ })).toBeNull(),
    );
    expect(screen.getByText('No environments yet.')).toBeInTheDocument();
  });

  it('asks only once about an environment the backend does not list for the user', async () => {
    const { signals, listEnvironments } = renderPage();
    await rowOf('pr-1');
    const othersEnvironment = anEnvironment({
      id: 'env-9',
      name: 'secret',
      componentRef: 'component:default/fraud-detector',
      status: 'provisioning',
    });

    signals.publish('environments', { environment: othersEnvironment });
    await waitFor(() => expect(listEnvironments).toHaveBeenCalledTimes(2));
    signals.publish('environments', {
      environment: {
        ...othersEnvironment,
        status: 'ready',
        updatedAt: '2026-11-21T09:02:00.000Z',
      },
    });

    expect(listEnvironments).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole('rowheader', { name: /secret/ })).toBeNull();
  });
});
