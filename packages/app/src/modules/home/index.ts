import { createFrontendModule } from '@backstage/frontend-plugin-api';
import {
  HomePageLayoutBlueprint,
  HomePageWidgetBlueprint,
} from '@backstage/plugin-home-react/alpha';

/** The home page's layout: the greeting and the widgets in a fixed grid. */
const homeLayout = HomePageLayoutBlueprint.make({
  params: {
    loader: () => import('./HomeLayout').then(m => m.HomeLayout),
  },
});

/** The catalog components of the signed-in user and their groups. */
const myComponentsWidget = HomePageWidgetBlueprint.make({
  name: 'my-components',
  params: {
    name: 'HomeMyComponents',
    title: 'Your components',
    description: 'The components you or your teams own',
    components: () =>
      import('./MyComponentsContent').then(m => ({
        Content: m.MyComponentsContent,
      })),
  },
});

/**
 * The portal's home page, on the home plugin's page (`page:home`, at `/` by
 * app-config): our layout, and the widget of the developer's components.
 * The environments plugin adds its own widgets.
 */
export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [homeLayout, myComponentsWidget],
});
