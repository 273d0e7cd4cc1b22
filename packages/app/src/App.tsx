import { createApp } from '@backstage/frontend-defaults';
import { homeModule } from './modules/home';
import { navModule } from './modules/nav';
import { scaffolderFieldsModule } from './modules/scaffolder';
import { signInModule } from './modules/signIn';

// Plugins come from packages/app's dependencies (app.packages: all); modules here
// customize the app shell itself, the home page and the scaffolder's form fields.
export default createApp({
  features: [navModule, signInModule, homeModule, scaffolderFieldsModule],
});
