import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  Environment,
  StatusTransition,
} from '@internal/backstage-plugin-environments-common';
import { screen, waitFor, within } from '@testing-library/react';
import { environmentsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  anEnvironment,
  FakeSignalApi,
  mockEnvironmentsApi,
} from '../../__testUtils__';
import { EnvironmentPage } from './EnvironmentPage';

const provisioning = anEnvironment({ status: 'provisioning' });
const recorded: StatusTransition[] = [
  { status: 'requested', at: '2026-11-21T09:00:00.000Z' },
  { status: 'provisioning', at: '2026-11-21T09:00:01.000Z' },
];

function renderPage() {
  const signals = new FakeSignalApi();
  const getEnvironment = jest.fn(
    async (_id: string): Promise<Environment> => provisioning,
  );
  const getStatusHistory = jest.fn(async (_id: string) => ({
    items: recorded,
  }));
  renderInTestApp(<EnvironmentPage />, {
    apis: [
      [
        environmentsApiRef,
        mockEnvironmentsApi({
          getEnvironment,
          getStatusHistory,
          getAuditTrail: async () => ({ items: [] }),
        }),
      ],
      [signalApiRef, signals],
    ],
    mountedRoutes: {
      '/environments': rootRouteRef,
      '/catalog/:namespace/:kind/:name': entityRouteRef,
    },
    mountPath: '/environments/:id',
    initialRouteEntries: [`/environments/${provisioning.id}`],
  });
  return { signals, getEnvironment, getStatusHistory };
}

// The first render loads the page's lazy parts, which takes a while.
const findTimeline = () =>
  screen.findByRole('list', { name: 'Timeline' }, { timeout: 5000 });

/** The step of the timeline, and the time it shows. */
function stepOf(id: string) {
  const timeline = screen.getByRole('list', { name: 'Timeline' });
  const step = within(timeline)
    .getAllByRole('listitem')
    .find(item => item.dataset.step === id);
  return {
    state: step?.dataset.state,
    at: step?.querySelector('time')?.getAttribute('datetime') ?? undefined,
  };
}

describe('EnvironmentPage', () => {
  it('dates each status as the backend recorded it, for anyone who opens the page', async () => {
    const { getStatusHistory } = renderPage();
    await findTimeline();

    await waitFor(() =>
      expect(stepOf('provisioning')).toEqual({
        state: 'current',
        at: '2026-11-21T09:00:01.000Z',
      }),
    );
    expect(getStatusHistory).toHaveBeenCalledWith(provisioning.id);
  });

  it('reads the environment and its status history again when a signal says it changed', async () => {
    const { signals, getEnvironment, getStatusHistory } = renderPage();
    await findTimeline();
    await waitFor(() => expect(stepOf('provisioning').at).toBeDefined());
    getEnvironment.mockResolvedValue({
      ...provisioning,
      status: 'ready',
      updatedAt: '2026-11-21T09:00:20.000Z',
    });
    getStatusHistory.mockResolvedValue({
      items: [...recorded, { status: 'ready', at: '2026-11-21T09:00:20.000Z' }],
    });

    signals.publish('environments', { id: provisioning.id, status: 'ready' });

    await waitFor(() =>
      expect(stepOf('ready')).toEqual({
        state: 'done',
        at: '2026-11-21T09:00:20.000Z',
      }),
    );
    expect(screen.getByRole('status')).toHaveTextContent('Status: Ready');
  });
});
