import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { screen, waitFor, within } from '@testing-library/react';
import { environmentsApiRef } from '../../api';
import { approvalsRouteRef, rootRouteRef } from '../../routes';
import {
  anEnvironment,
  FakeSignalApi,
  mockEnvironmentsApi,
  types,
} from '../../__testUtils__';
import {
  aDeployment,
  pendingDeployment,
  pendingEnvironment,
  productionEnvironment,
} from '../Approvals/testData';
import { MyApprovalsContent } from './MyApprovalsContent';
import { MyEnvironmentsContent } from './MyEnvironmentsContent';
import { RecentDeploymentsContent } from './RecentDeploymentsContent';

// The guest is in the platform team; orders-service belongs to the storefront team.
const identity = mockApis.identity({
  userEntityRef: 'user:default/guest',
  ownershipEntityRefs: ['user:default/guest', 'group:default/platform-team'],
});
const ours = anEnvironment({
  id: 'env-ours',
  name: 'development',
  componentRef: 'component:default/developer-portal',
  ownerRef: 'group:default/platform-team',
  createdBy: 'user:default/jane.doe',
  status: 'ready',
});
const requestedByMe = anEnvironment({ id: 'env-mine', status: 'provisioning' });
const theirs = anEnvironment({
  id: 'env-theirs',
  name: 'pr-9',
  createdBy: 'user:default/john.smith',
});

function render(
  element: JSX.Element,
  api: Parameters<typeof mockEnvironmentsApi>[0],
) {
  const signals = new FakeSignalApi();
  renderInTestApp(element, {
    apis: [
      [environmentsApiRef, mockEnvironmentsApi(api)],
      [signalApiRef, signals],
      identity,
    ],
    mountedRoutes: {
      '/environments': rootRouteRef,
      '/approvals': approvalsRouteRef,
    },
  });
  return signals;
}

describe('the home page widgets', () => {
  it("lists the user's environments, those of their groups and those they requested, live", async () => {
    const getEnvironment = jest.fn(async () => ({
      ...requestedByMe,
      status: 'ready' as const,
      updatedAt: '2026-11-21T09:05:00.000Z',
    }));
    const signals = render(<MyEnvironmentsContent />, {
      listEnvironments: async () => ({ items: [ours, requestedByMe, theirs] }),
      getEnvironment,
    });

    const list = await screen.findByRole('list', { name: 'your environments' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map(item => item.textContent)).toEqual([
      expect.stringContaining('developer-portal · development'),
      expect.stringContaining('orders-service · pr-1'),
    ]);
    expect(within(items[1]).getByText('Provisioning')).toBeInTheDocument();

    signals.publish('environments', { id: requestedByMe.id, status: 'ready' });
    await waitFor(() =>
      expect(within(items[1]).getByText('Ready')).toBeInTheDocument(),
    );
  });

  it('shows the newest deployments to those environments, with the outcome of an approval as it comes', async () => {
    const earlier = aDeployment({
      id: 'dep-ours',
      environmentId: ours.id,
      environmentName: 'development',
      componentRef: ours.componentRef,
      version: '2.0.0',
      createdAt: '2026-11-21T07:00:00.000Z',
    });
    const mine = {
      ...pendingDeployment,
      environmentId: requestedByMe.id,
      createdBy: 'user:default/guest',
    };
    const histories: Record<string, any> = {
      [ours.id]: { items: [earlier] },
      [requestedByMe.id]: { items: [mine] },
    };
    const listDeployments = jest.fn(async (id: string) => histories[id]);
    const signals = render(<RecentDeploymentsContent />, {
      listEnvironments: async () => ({ items: [ours, requestedByMe, theirs] }),
      listDeployments,
    });

    const list = await screen.findByRole('list', {
      name: 'recent deployments',
    });
    const items = within(list).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('orders-service 1.4.2 → production');
    expect(items[0]).toHaveTextContent('Waiting for approval by platform-team');
    expect(items[1]).toHaveTextContent('developer-portal 2.0.0 → development');
    expect(listDeployments).not.toHaveBeenCalledWith(
      theirs.id,
      expect.anything(),
    );

    histories[requestedByMe.id] = {
      items: [
        {
          ...mine,
          state: 'rejected',
          approval: {
            ...mine.approval,
            decision: {
              outcome: 'rejected',
              by: 'user:default/jane.doe',
              at: '2026-11-21T09:10:00.000Z',
              comment: 'Not during the sale',
            },
          },
        },
      ],
    };
    signals.publish('environments', {
      id: requestedByMe.id,
      status: 'ready',
      deployment: { id: mine.id, state: 'rejected' },
    });
    await waitFor(() =>
      expect(
        within(
          screen.getByRole('list', { name: 'recent deployments' }),
        ).getAllByRole('listitem')[0],
      ).toHaveTextContent('Rejected by jane.doe: Not during the sale'),
    );
  });

  it('lists what waits for the user, linking to the Approvals page', async () => {
    render(<MyApprovalsContent />, {
      listPendingApprovals: async () => ({ items: [pendingDeployment] }),
      listEnvironmentApprovals: async () => ({ items: [pendingEnvironment] }),
      listTypes: async () => ({ items: types }),
      listEnvironments: async () => ({ items: [productionEnvironment] }),
      listDeployments: async () => ({ items: [] }),
    });

    const list = await screen.findByRole('list', {
      name: 'what waits for your approval',
    });
    expect(
      within(list).getByRole('link', {
        name: 'Deploy orders-service 1.4.2 to production',
      }),
    ).toHaveAttribute('href', '/approvals');
    expect(
      within(list).getByRole('link', {
        name: 'New production environment production of payments-service',
      }),
    ).toBeInTheDocument();
  });
});
