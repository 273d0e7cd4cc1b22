import { createApp } from '@backstage/frontend-defaults';
import { navModule } from './modules/nav';
import { signInModule } from './modules/signIn';

// Plugins come from packages/app's dependencies (app.packages: all); modules here
// customize the app shell itself.
export default createApp({
  features: [navModule, signInModule],
});
