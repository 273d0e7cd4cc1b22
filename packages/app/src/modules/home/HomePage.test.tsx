import { Entity } from '@backstage/catalog-model';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { HomePageWidgetData } from '@backstage/plugin-home-react/alpha';
import { screen, within } from '@testing-library/react';
import { HomeLayout } from './HomeLayout';
import { MyComponentsContent } from './MyComponentsContent';

const component = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner },
  relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
});

const identity = mockApis.identity({
  userEntityRef: 'user:default/guest',
  ownershipEntityRefs: ['user:default/guest', 'group:default/platform-team'],
  displayName: 'Guest',
});

const widget = (name: string): HomePageWidgetData =>
  ({
    name,
    title: name,
    component: <section aria-label={name}>{name}</section>,
  } as HomePageWidgetData);

describe('the home page', () => {
  it("greets the user and shows the developer's widgets first, then any other", async () => {
    renderInTestApp(
      <HomeLayout
        widgets={[
          widget('HomePageStarredEntities'),
          widget('EnvironmentsRecentDeployments'),
          widget('HomeMyComponents'),
          widget('EnvironmentsApprovals'),
        ]}
      />,
      {
        apis: [identity],
        config: {
          app: { title: 'Acme Developer Platform' },
          organization: { name: 'Acme' },
        },
      },
    );

    expect(
      // The profile is read asynchronously; a busy machine takes its time.
      await screen.findByRole(
        'heading',
        { name: 'Welcome, Guest' },
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
    const widgets = screen.getAllByRole('region', { name: /^(Home|Env)/ });
    expect(widgets.map(region => region.textContent)).toEqual([
      'HomeMyComponents',
      'EnvironmentsApprovals',
      'EnvironmentsRecentDeployments',
      'HomePageStarredEntities',
    ]);
    // Rendering the app shell takes seconds on a busy machine.
  }, 30_000);

  it('lists the components the user or their groups own, asking the catalog by ownership', async () => {
    const catalogApi = catalogApiMock.mock({
      getEntities: jest.fn(async () => ({
        items: [component('developer-portal', 'platform-team')],
      })),
    });
    renderInTestApp(<MyComponentsContent />, {
      apis: [identity, [catalogApiRef, catalogApi]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });

    const list = await screen.findByRole('list', { name: 'your components' });
    expect(
      within(list).getByRole('link', { name: /developer-portal/ }),
    ).toBeInTheDocument();
    expect(within(list).getByText('service · production')).toBeInTheDocument();
    expect(catalogApi.getEntities).toHaveBeenCalledWith(
      expect.objectContaining({
        filter: {
          kind: 'component',
          'relations.ownedBy': [
            'user:default/guest',
            'group:default/platform-team',
          ],
        },
      }),
    );
  });
});
