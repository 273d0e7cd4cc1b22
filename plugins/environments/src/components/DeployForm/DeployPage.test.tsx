import { renderInTestApp } from '@backstage/frontend-test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { environmentsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  anEnvironment,
  FakeSignalApi,
  mockEnvironmentsApi,
  types,
} from '../../__testUtils__';
import { DeployPage } from './DeployPage';
import { aDeployment, configuration } from './testData';

jest.setTimeout(30_000);

const environment = anEnvironment({
  id: 'env-1',
  name: 'development',
  type: 'development',
  status: 'ready',
});
const earlier = aDeployment({
  id: 'dep-4',
  sequence: 4,
  state: 'succeeded',
  version: '1.4.2',
  config: configuration.config,
  createdAt: '2026-11-20T10:00:00.000Z',
});
const inStaging = aDeployment({
  id: 'dep-s',
  environmentId: 'env-2',
  environmentName: 'staging',
  state: 'succeeded',
  config: { ...configuration.config, image: 'ghcr.io/acme/orders:1.6.0' },
  createdAt: '2026-11-21T08:00:00.000Z',
});

function renderPage() {
  const signals = new FakeSignalApi();
  const rollingOut = aDeployment();
  const answers = [rollingOut];
  const api = mockEnvironmentsApi({
    getEnvironment: async () => environment,
    getConfiguration: async () => configuration,
    listTypes: async () => ({ items: types }),
    listDeployments: async () => ({ items: [earlier] }),
    getWhatRunsWhere: async () => ({
      componentRef: environment.componentRef,
      promotionPath: ['development', 'staging'],
      environments: [
        {
          environmentId: 'env-1',
          environmentName: 'development',
          type: 'development',
          current: earlier,
          pin: {
            deploymentId: 'dep-4',
            reason: 'Broke checkout',
            by: 'user:default/jane',
            at: '2026-11-21T09:00:00.000Z',
          },
        },
        {
          environmentId: 'env-2',
          environmentName: 'staging',
          type: 'staging',
          current: inStaging,
        },
      ],
    }),
    deploy: jest.fn(async () => rollingOut),
    getDeployment: jest.fn(async () => answers[answers.length - 1]),
    listPods: async () => ({ items: [] }),
    listEvents: async () => ({ items: [] }),
  });
  renderInTestApp(<DeployPage />, {
    apis: [
      [environmentsApiRef, api],
      [signalApiRef, signals],
    ],
    mountedRoutes: { '/environments': rootRouteRef },
    mountPath: '/environments/:id/deploy',
    initialRouteEntries: ['/environments/env-1/deploy'],
  });
  return { api, signals, answers };
}

describe('DeployPage', () => {
  it("offers the component's recent versions, deploys one and follows it to succeeded", async () => {
    const { api, signals, answers } = renderPage();

    expect(
      await screen.findByRole(
        'heading',
        { name: 'Deploy orders-service to development' },
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Pinned by a rollback (jane: "Broke checkout")'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', {
        name: /^Use 1\.4\.2 \(deployment 4 here, succeeded\)/,
      }),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', {
        name: /^Use 1\.6\.0 \(succeeded in staging\)/,
      }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Deploy' }));

    await waitFor(() =>
      expect(api.deploy).toHaveBeenCalledWith('env-1', {
        source: 'ui',
        tag: '1.6.0',
      }),
    );
    const state = await screen.findByLabelText('Deployment state');
    expect(state).toHaveTextContent('Rolling out');

    answers.push(
      aDeployment({
        state: 'succeeded',
        finishedAt: '2026-11-21T10:00:03.000Z',
        updatedAt: '2026-11-21T10:00:03.000Z',
      }),
    );
    signals.publish('environments', {
      id: 'env-1',
      status: 'ready',
      deployment: { id: 'dep-5', state: 'succeeded' },
    });
    await waitFor(() =>
      expect(screen.getByLabelText('Deployment state')).toHaveTextContent(
        'Succeeded',
      ),
    );
    expect(
      screen.getByRole('button', { name: 'Deploy another version' }),
    ).toBeInTheDocument();
  });
});
