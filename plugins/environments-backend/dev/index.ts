import { createBackend } from '@backstage/backend-defaults';

// A minimal backend with only this plugin, started with `yarn start` in this
// package. It uses the database configured in the app-config files, and
// applies the plugin's migrations on start.

const backend = createBackend();

backend.add(import('../src'));

backend.start();
