import { createBackend } from '@backstage/backend-defaults';
import { backendFeatures } from './features';
import { rootHttpRouterWithoutStackTraces } from './http/hideStackTraces';

const backend = createBackend();
// Not among the shared features: the tests bring their own root router.
backend.add(rootHttpRouterWithoutStackTraces);
for (const feature of backendFeatures) {
  backend.add(feature);
}
backend.start().catch(error => {
  // A backend that cannot start (a second one on the same SQLite data, a bad config)
  // exits with an error, instead of lingering half-started: each plugin's error is
  // logged above, the whole of it here.
  process.stderr.write(`The backend did not start: ${error}\n`);
  process.exit(1);
});
