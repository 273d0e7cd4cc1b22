import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { oidcAuthApi } from './oidcAuthApi';

/** The sign-in page offers the providers named in `app.signIn.providers`. */
const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => {
      const { ConfiguredSignInPage } = await import('./ConfiguredSignInPage');
      return ConfiguredSignInPage;
    },
  },
});

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [signInPage, oidcAuthApi],
});
