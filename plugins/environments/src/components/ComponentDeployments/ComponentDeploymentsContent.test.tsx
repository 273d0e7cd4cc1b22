import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { FakeEnvironmentsApi } from '@internal/backstage-plugin-environments-common/testUtils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { environmentsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { FakeSignalApi, mockEnvironmentsApi } from '../../__testUtils__';
import { ComponentDeploymentsContent } from './ComponentDeploymentsContent';

const componentRef = 'component:default/orders-service';
const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders-service', title: 'Orders Service' },
  spec: { type: 'service', owner: 'team-orders', lifecycle: 'production' },
};
const image = (tag: string) => `registry.local/orders-service:${tag}`;

/**
 * The environments backend in memory (the contract's fake), with
 * development at 1.1.0 and staging at 1.0.0, both succeeded.
 */
async function backend() {
  const fake = new FakeEnvironmentsApi();
  const create = (name: string, type = name) =>
    fake.createEnvironment({ componentRef, type, name, image: image('1.0.0') });
  const development = await create('development');
  const staging = await create('staging');
  await fake.deploy(staging.id, { image: image('1.0.0') });
  await fake.deploy(development.id, {
    image: image('1.1.0'),
    message: 'Release 1.1.0',
  });
  const api = mockEnvironmentsApi({
    getWhatRunsWhere: jest.fn(ref => fake.getWhatRunsWhere(ref)),
    diffDeployments: jest.fn((from, to) => fake.diffDeployments(from, to)),
    promote: jest.fn((id, request) => fake.promote(id, request)),
  });
  return { fake, api, development, staging, create };
}

async function renderTab(api: ReturnType<typeof mockEnvironmentsApi>) {
  const signals = new FakeSignalApi();
  await renderInTestApp(
    <EntityProvider entity={entity}>
      <ComponentDeploymentsContent />
    </EntityProvider>,
    {
      apis: [
        [environmentsApiRef, api],
        [signalApiRef, signals],
      ],
      mountedRoutes: {
        '/environments': rootRouteRef,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
  return signals;
}

// Dialogs and typing take seconds on a busy shared machine.
jest.setTimeout(30_000);

// No pause between keystrokes: typing a message is not what is tested.
const user = userEvent.setup({ delay: null });

const stage = (name: string) => screen.findByRole('region', { name });

describe('ComponentDeploymentsContent', () => {
  it('draws the promotion path left to right, each environment with its version, state and who deployed it', async () => {
    const { api } = await backend();
    await renderTab(api);

    const path = await screen.findByRole('list', { name: 'Promotion path' });
    expect(
      within(path)
        .getAllByRole('heading', { level: 3 })
        .map(h => h.textContent),
    ).toEqual(['development', 'staging', 'production']);
    const development = await stage('development');
    expect(within(development).getByText('1.1.0')).toBeInTheDocument();
    expect(within(development).getByText('Succeeded')).toBeInTheDocument();
    expect(development).toHaveTextContent(/Deployed .* by mock/);
    expect(
      within(await stage('staging')).getByText('1.0.0'),
    ).toBeInTheDocument();
    expect(
      within(development).getByRole('link', {
        name: 'Deployment history of development',
      }),
    ).toHaveAttribute('href', '/environments/env-1?tab=deployments');
    expect(
      within(await stage('production')).getByText(
        'No production environment yet.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Request a production environment' }),
    ).toHaveAttribute(
      'href',
      `/environments/new?component=${encodeURIComponent(componentRef)}`,
    );
  });

  it('promotes from the left neighbour after previewing the diff it applies', async () => {
    const { api, development, staging } = await backend();
    const signals = await renderTab(api);

    await user.click(
      await screen.findByRole('button', {
        name: 'Promote 1.1.0 from development to staging',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    const changes = await within(dialog).findByRole('group', {
      name: 'Changes the promotion brings to staging',
    });
    const imageRow = within(changes).getByRole('row', { name: /^Image .+/ });
    expect(imageRow).toHaveTextContent(image('1.0.0'));
    expect(imageRow).toHaveTextContent(image('1.1.0'));
    await user.type(
      within(dialog).getByRole('textbox', { name: 'Message' }),
      '1.1.0 passed in development',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Promote' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const developmentCurrent = (await api.getWhatRunsWhere(componentRef))
      .environments[0].current!;
    expect(api.promote).toHaveBeenCalledWith(staging.id, {
      deploymentId: developmentCurrent.id,
      source: 'ui',
      message: '1.1.0 passed in development',
    });

    signals.publish('environments', {
      id: staging.id,
      status: 'ready',
      deployment: { id: 'any', state: 'succeeded' },
    });
    await waitFor(() =>
      expect(
        within(screen.getByRole('region', { name: 'staging' })).getByText(
          '1.1.0',
        ),
      ).toBeInTheDocument(),
    );
    expect(
      within(screen.getByRole('region', { name: 'staging' })).getByText(
        /promoted from development/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Promote/ })).toBeNull();
    expect(development.id).toBeDefined();
  });

  it("marks a pinned environment and shows the API's words when it refuses the promotion", async () => {
    const { fake, api, staging } = await backend();
    const [first] = (await fake.listDeployments(staging.id)).items.slice(-1);
    await fake.deploy(staging.id, { image: image('1.0.1') });
    await fake.rollback(staging.id, {
      deploymentId: first.id,
      reason: '1.0.1 returns 500 on checkout',
    });
    await renderTab(api);

    expect(
      within(await stage('staging')).getByText(
        'Pinned after a rollback: 1.0.1 returns 500 on checkout',
      ),
    ).toBeInTheDocument();
    await user.click(
      screen.getByRole('button', {
        name: 'Promote 1.1.0 from development to staging',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('staging is pinned after a rollback'),
    ).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Promote' }));

    expect(
      await within(dialog).findByText(
        /is pinned by rollback .*; only a deployment made by hand rolls it forward/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('marks an environment whose deployment waits for approval, by whom', async () => {
    const { fake, api, create } = await backend();
    fake.typesRequiringApproval.add('production');
    const production = await create('production');
    await fake.deploy(production.id, { image: image('1.2.0') });
    await renderTab(api);

    const waiting = within(await stage('production')).getByRole('status', {
      name: 'Waiting for approval',
    });
    expect(waiting).toHaveTextContent(
      /1\.2\.0 asked for by mock.*Waiting for approval by admins/,
    );
  });

  it("reads again on a signal about one of its environments, and once about another's", async () => {
    const { fake, api, development } = await backend();
    const signals = await renderTab(api);
    await stage('development');
    expect(api.getWhatRunsWhere).toHaveBeenCalledTimes(1);

    await fake.deploy(development.id, { image: image('1.2.0') });
    signals.publish('environments', {
      id: development.id,
      status: 'ready',
      deployment: { id: 'any', state: 'succeeded' },
    });
    await waitFor(() =>
      expect(
        within(screen.getByRole('region', { name: 'development' })).getByText(
          '1.2.0',
        ),
      ).toBeInTheDocument(),
    );
    expect(api.getWhatRunsWhere).toHaveBeenCalledTimes(2);

    // Another component's environment: read once (it might have been a new
    // one of this component), then no more.
    signals.publish('environments', { id: 'env-of-another', status: 'ready' });
    await waitFor(() => expect(api.getWhatRunsWhere).toHaveBeenCalledTimes(3));
    signals.publish('environments', { id: 'env-of-another', status: 'ready' });
    signals.publish('environments', { id: 'env-gone', status: 'deleted' });
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(api.getWhatRunsWhere).toHaveBeenCalledTimes(3);
  });
});
