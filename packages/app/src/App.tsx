import { createApp } from '@backstage/frontend-defaults';
import { homeModule } from './modules/home';
import { navModule } from './modules/nav';
import { signInModule } from './modules/signIn';

// Plugins come from packages/app's dependencies (app.packages: all); modules here
// customize the app shell itself, and the home page.
export default createApp({
  features: [navModule, signInModule, homeModule],
});
