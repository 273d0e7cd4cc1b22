import { defineConfig } from '@playwright/test';

/**
 * Browser end-to-end tests, driven by Debian's Chromium through playwright-core
 * (no browser download). `./platform test` starts the portal and sets PORTAL_URL;
 * to run them against a portal you started yourself:
 *   PORTAL_URL=http://localhost:7007 yarn test:e2e
 */
export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  // One retry in CI, reported as "flaky" in the output, so a slow machine cannot fail a run
  // on a single timing hiccup while a real failure still fails twice.
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'test-results/e2e-report' }],
  ],
  outputDir: 'test-results/e2e-artifacts',
  use: {
    baseURL: process.env.PORTAL_URL ?? 'http://localhost:7007',
    viewport: { width: 1400, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
