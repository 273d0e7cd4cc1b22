import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { FakeEnvironmentsApi } from '@internal/backstage-plugin-environments-common/testUtils';
import { screen, waitFor, within } from '@testing-library/react';
import { environmentsApiRef } from '../../api';
import { FakeSignalApi, mockEnvironmentsApi } from '../../__testUtils__';
import { WhatRunsWhereCard } from './WhatRunsWhereCard';

jest.setTimeout(30_000);

const componentRef = 'component:default/orders-service';
const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders-service', namespace: 'default' },
  spec: { type: 'service', owner: 'team-orders', lifecycle: 'production' },
};
const image = (tag: string) => `registry.local/orders-service:${tag}`;

describe('WhatRunsWhereCard', () => {
  it("shows each environment's version and state in promotion order, live, and links to the Deployments tab", async () => {
    const fake = new FakeEnvironmentsApi();
    const create = (name: string, type: string) =>
      fake.createEnvironment({ componentRef, type, name });
    const preview = await create('pr-7', 'preview');
    const staging = await create('staging', 'staging');
    const development = await create('development', 'development');
    await fake.deploy(development.id, { image: image('1.1.0') });
    await fake.deploy(preview.id, { image: image('1.2.0-pr7') });
    const signals = new FakeSignalApi();
    await renderInTestApp(
      <EntityProvider entity={entity}>
        <WhatRunsWhereCard />
      </EntityProvider>,
      {
        apis: [
          [
            environmentsApiRef,
            mockEnvironmentsApi({
              getWhatRunsWhere: ref => fake.getWhatRunsWhere(ref),
            }),
          ],
          [signalApiRef, signals],
        ],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );

    const table = await screen.findByRole('table', { name: 'What runs where' });
    const rows = () =>
      within(table)
        .getAllByRole('row')
        .slice(1)
        .map(row => row.textContent);
    expect(rows()).toEqual([
      'development1.1.0Succeeded',
      'staging—nothing deployed',
      'pr-71.2.0-pr7Succeeded',
    ]);
    expect(screen.getByRole('link', { name: 'Deployments' })).toHaveAttribute(
      'href',
      '/catalog/default/component/orders-service/deployments',
    );

    await fake.promote(staging.id, {});
    signals.publish('environments', {
      id: staging.id,
      status: 'ready',
      deployment: { id: 'any', state: 'succeeded' },
    });
    await waitFor(() => expect(rows()[1]).toBe('staging1.1.0Succeeded'));
  });
});
