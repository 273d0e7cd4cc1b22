import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { ENVIRONMENT_ID_ANNOTATION } from '@internal/backstage-plugin-environments-common';
import { FakeEnvironmentsApi } from '@internal/backstage-plugin-environments-common/testUtils';
import { screen } from '@testing-library/react';
import { environmentsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { FakeSignalApi, mockEnvironmentsApi } from '../../__testUtils__';
import { EnvironmentEntityCard } from './EnvironmentEntityCard';

// The first render loads @backstage/ui, which takes seconds on a busy machine.
jest.setTimeout(30_000);

describe('EnvironmentEntityCard', () => {
  it('shows the version that runs, follows it live and links to the history', async () => {
    const fake = new FakeEnvironmentsApi();
    const environment = fake.add({
      name: 'development',
      type: 'development',
      status: 'ready',
    });
    await fake.deploy(environment.id, {
      image: 'registry.local/orders-service:1.0.0',
    });
    const entity: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: environment.namespace,
        annotations: { [ENVIRONMENT_ID_ANNOTATION]: environment.id },
      },
      spec: { type: 'environment', dependencyOf: [environment.componentRef] },
    };
    const signals = new FakeSignalApi();
    await renderInTestApp(
      <EntityProvider entity={entity}>
        <EnvironmentEntityCard />
      </EntityProvider>,
      {
        apis: [
          [
            environmentsApiRef,
            mockEnvironmentsApi({
              getEnvironment: id => fake.getEnvironment(id),
              getWhatRunsWhere: ref => fake.getWhatRunsWhere(ref),
            }),
          ],
          [signalApiRef, signals],
        ],
        mountedRoutes: {
          '/environments': rootRouteRef,
          '/catalog/:namespace/:kind/:name': entityRouteRef,
        },
      },
    );

    expect(await screen.findByText('1.0.0 (#1)')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Deployment history' }),
    ).toHaveAttribute(
      'href',
      `/environments/${environment.id}?tab=deployments`,
    );

    const next = await fake.deploy(environment.id, {
      image: 'registry.local/orders-service:1.1.0',
    });
    signals.publish('environments', {
      id: environment.id,
      status: 'ready',
      deployment: { id: next.id, state: next.state },
    });
    expect(await screen.findByText('1.1.0 (#2)')).toBeInTheDocument();
  });
});
