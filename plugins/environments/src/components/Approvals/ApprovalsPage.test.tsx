import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  Deployment,
  diffConfigs,
  Environment,
  formatConfigChanges,
} from '@internal/backstage-plugin-environments-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { environmentsApiRef } from '../../api';
import {
  FakeSignalApi,
  mockEnvironmentsApi,
  responseError,
  types,
} from '../../__testUtils__';
import { ApprovalsPage } from './ApprovalsPage';
import {
  aDeployment,
  pendingDeployment,
  pendingEnvironment,
  productionEnvironment,
} from './testData';

const running = aDeployment();

function renderPage(
  options: {
    me?: string;
    toDecide?: Deployment[];
    environmentsToDecide?: Environment[];
    history?: Deployment[];
  } = {},
) {
  const {
    me = 'user:default/guest',
    toDecide = [pendingDeployment],
    environmentsToDecide = [pendingEnvironment],
    history = [pendingDeployment, running],
  } = options;
  const signals = new FakeSignalApi();
  const api = {
    listPendingApprovals: jest.fn(async () => ({ items: toDecide })),
    listEnvironmentApprovals: jest.fn(async () => ({
      items: environmentsToDecide,
    })),
    listTypes: jest.fn(async () => ({ items: types })),
    listEnvironments: jest.fn(async () => ({
      items: [productionEnvironment, pendingEnvironment],
    })),
    listDeployments: jest.fn(async (id: string) => ({
      items: id === productionEnvironment.id ? history : [],
    })),
    getWhatRunsWhere: jest.fn(async () => ({
      componentRef: running.componentRef,
      promotionPath: ['production'],
      environments: [
        {
          environmentId: productionEnvironment.id,
          environmentName: 'production',
          type: 'production',
          current: running,
          pending: pendingDeployment,
        },
      ],
    })),
    diffDeployments: jest.fn(async (from: string, to: string) => {
      const changes = diffConfigs(running.config, pendingDeployment.config);
      return { from, to, changes, text: formatConfigChanges(changes) };
    }),
    approveDeployment: jest.fn(async () => ({
      ...pendingDeployment,
      state: 'rolling-out' as const,
    })),
    rejectDeployment: jest.fn(async () => pendingDeployment),
    approveEnvironment: jest.fn(async () => pendingEnvironment),
    rejectEnvironment: jest.fn(async () => pendingEnvironment),
  };
  renderInTestApp(<ApprovalsPage />, {
    apis: [
      [environmentsApiRef, mockEnvironmentsApi(api)],
      [signalApiRef, signals],
      mockApis.identity({ userEntityRef: me }),
    ],
  });
  return { api, signals };
}

const card = (name: RegExp) => screen.findByRole('region', { name });

describe('ApprovalsPage', () => {
  it('shows a pending deployment with its requester and what it changes against what runs now', async () => {
    const { api } = renderPage();

    const deployment = await card(/orders-service 1\.4\.2 in production/);
    expect(within(deployment).getByText('john.smith')).toBeInTheDocument();
    expect(within(deployment).getByText('Release 1.4.2')).toBeInTheDocument();
    expect(
      within(deployment).getByText(/Waiting for approval by platform-team/),
    ).toBeInTheDocument();
    // The diff against the environment's current deployment, side by side.
    expect(
      await within(deployment).findByText('Running now: 1.4.1'),
    ).toBeInTheDocument();
    expect(
      within(deployment).getByText('registry.local/orders-service:1.4.2'),
    ).toBeInTheDocument();
    expect(api.diffDeployments).toHaveBeenCalledWith(
      running.id,
      pendingDeployment.id,
    );

    const environment = await card(/payments-service production/);
    expect(
      within(environment).getByText('payments-service-production'),
    ).toBeInTheDocument();
  });

  it('sends nothing without a comment, then approves with it and says so', async () => {
    const { api } = renderPage();
    const deployment = await card(/orders-service 1\.4\.2 in production/);
    const approve = within(deployment).getByRole('button', {
      name: 'Approve orders-service 1.4.2 in production',
    });

    await userEvent.click(approve);
    expect(
      within(deployment).getByText('Comment must not be empty'),
    ).toBeInTheDocument();
    expect(api.approveDeployment).not.toHaveBeenCalled();

    await userEvent.type(
      within(deployment).getByRole('textbox', { name: /Comment/ }),
      'Release notes checked',
    );
    api.listPendingApprovals.mockResolvedValue({ items: [] });
    await userEvent.click(approve);

    expect(api.approveDeployment).toHaveBeenCalledWith(pendingDeployment.id, {
      comment: 'Release notes checked',
    });
    expect(
      await screen.findByText(
        'You approved orders-service 1.4.2 in production.',
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('No deployment waits for your approval.'),
    ).toBeInTheDocument();
    // Typing character by character is slow on a busy machine.
  }, 30_000);

  it("shows the backend's words when it refuses a decision", async () => {
    const { api } = renderPage();
    api.rejectEnvironment.mockRejectedValue(
      await responseError(403, {
        name: 'NotAllowedError',
        message: 'You cannot approve your own request',
      }),
    );
    const environment = await card(/payments-service production/);
    await userEvent.type(
      within(environment).getByRole('textbox', { name: /Comment/ }),
      'Not now',
    );
    await userEvent.click(
      within(environment).getByRole('button', { name: /^Reject/ }),
    );

    const alert = await within(environment).findByRole('alert');
    expect(alert).toHaveTextContent('Not rejected');
    expect(alert).toHaveTextContent('You cannot approve your own request');
    // What was typed is kept, to try again.
    expect(
      within(environment).getByRole('textbox', { name: /Comment/ }),
    ).toHaveValue('Not now');
  }, 30_000);

  it("lists the user's own request, and its outcome once a signal says it was decided", async () => {
    const mine = { ...pendingDeployment, createdBy: 'user:default/guest' };
    const { api, signals } = renderPage({
      toDecide: [],
      environmentsToDecide: [],
      history: [mine, running],
    });
    const own = await card(/orders-service 1\.4\.2 in production/);
    expect(
      within(own).getByText(/Waiting for approval by platform-team/),
    ).toBeInTheDocument();

    const decided: { items: Deployment[] } = {
      items: [
        {
          ...mine,
          state: 'rolling-out',
          approval: {
            ...pendingDeployment.approval!,
            decision: {
              outcome: 'approved',
              by: 'user:default/jane.doe',
              at: new Date().toISOString(),
              comment: 'Go ahead',
            },
          },
        },
        running,
      ],
    };
    api.listDeployments.mockImplementation(async (id: string) =>
      id === productionEnvironment.id ? decided : { items: [] },
    );
    signals.publish('environments', {
      id: productionEnvironment.id,
      status: 'ready',
      deployment: { id: mine.id, state: 'rolling-out' },
    });

    await waitFor(() =>
      expect(within(own).getByText(/jane\.doe, .*: Go ahead/)).toBeVisible(),
    );
    expect(
      within(own).queryByText(/Waiting for approval/),
    ).not.toBeInTheDocument();
  });

  it('ignores signals about environments of types that need no approval', async () => {
    const { api, signals } = renderPage();
    await card(/orders-service 1\.4\.2 in production/);
    const reads = api.listPendingApprovals.mock.calls.length;

    signals.publish('environments', { id: 'env-dev', status: 'ready' });

    await new Promise(resolve => setTimeout(resolve, 20));
    expect(api.listPendingApprovals).toHaveBeenCalledTimes(reads);
  });
});
