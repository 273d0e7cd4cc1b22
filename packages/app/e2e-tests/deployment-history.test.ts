import { expect, Locator, Page, test } from '@playwright/test';
import {
  Deployment,
  Environment,
  environmentNamespace,
  EnvironmentsClient,
} from '@internal/backstage-plugin-environments-common';
import { collectConsoleErrors, screenshot, signInAsGuest } from './helpers';

/*
 * An environment's deployment history against the real backend and local
 * cluster: two versions deployed through the API, their diff side by side,
 * and a rollback to the first with a reason, with the keyboard alone, which
 * pins the environment.
 */
// Notification Worker: the other browser tests use other components, and
// environment names are unique per component.
const componentRef = 'component:default/notification-worker';
/** A name no earlier run used. */
const environmentName = `e2e-hist-${Date.now().toString(36)}`;
const namespace = environmentNamespace(componentRef, environmentName);
const reason = 'Version 2.0.0 answers 500 on every request';

/** The signed-in guest's Backstage token, for the API calls of the set-up. */
async function guestToken(page: Page): Promise<string> {
  const response = await page.request.get(
    '/api/auth/guest/refresh?env=development',
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  expect(response.ok(), await response.text()).toBe(true);
  return (await response.json()).backstageIdentity.token;
}

/** Waits until the deployment has rolled out, failing on any other end. */
async function succeeded(
  api: EnvironmentsClient,
  deployment: Deployment,
  token: string,
) {
  await expect
    .poll(
      async () => (await api.getDeployment(deployment.id, { token })).state,
      {
        timeout: 120_000,
        intervals: [500],
      },
    )
    .toBe('succeeded');
}

/** Presses Tab until `target` has the focus; the keyboard alone, as people do. */
async function tabTo(page: Page, target: Locator, most = 80) {
  for (let i = 0; i < most; i++) {
    if (await target.evaluate(e => e === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

/**
 * Clicks the label of a checkbox, as people do: React Aria hides the input
 * itself under its label.
 */
async function clickLabelOf(page: Page, control: Locator) {
  await page.locator('label').filter({ has: control }).click();
}

/** The history's row of deployment number `sequence`. */
const historyRow = (page: Page, sequence: number) =>
  page
    .getByRole('table', { name: `Deployments of ${environmentName}` })
    .getByRole('row')
    .filter({
      has: page.getByRole('rowheader').filter({ hasText: `#${sequence}` }),
    });

test.describe('deployment history', () => {
  test.use({ actionTimeout: 30_000 });
  let api: EnvironmentsClient;
  let token: string;
  let environment: Environment | undefined;
  let v1: Deployment;
  let v2: Deployment;

  test.beforeAll(async ({ browser, baseURL }) => {
    test.setTimeout(300_000);
    api = new EnvironmentsClient({
      discoveryApi: { getBaseUrl: async () => `${baseURL}/api/environments` },
    });
    const page = await browser.newPage({ baseURL });
    await signInAsGuest(page);
    token = await guestToken(page);
    await page.close();

    environment = await api.createEnvironment(
      { componentRef, type: 'development', name: environmentName },
      { token },
    );
    const id = environment.id;
    await expect
      .poll(async () => (await api.getEnvironment(id, { token })).status, {
        timeout: 180_000,
        intervals: [1_000],
      })
      .toBe('ready');

    v1 = await api.deploy(
      id,
      {
        // The component names no image: the first deployment gives one.
        image: 'registry.local/notification-worker:1.0.0',
        message: 'First release',
        source: 'api',
      },
      { token },
    );
    await succeeded(api, v1, token);
    v2 = await api.deploy(
      id,
      {
        tag: '2.0.0',
        replicas: 2,
        env: { LOG_LEVEL: 'debug' },
        message: 'Second release, two replicas',
        source: 'api',
      },
      { token },
    );
    await succeeded(api, v2, token);
  });

  test.afterAll(async () => {
    if (environment) {
      await api.deleteEnvironment(environment.id, { token });
    }
  });

  test('the catalog card shows the version and opens the history; two deployments side by side', async ({
    page,
  }, testInfo) => {
    test.setTimeout(180_000);
    const consoleErrors = collectConsoleErrors(page);
    await signInAsGuest(page);

    await test.step('the environment entity shows what runs and links to its history', async () => {
      await page.goto(`/catalog/default/resource/${namespace}`);
      await expect(
        page.getByRole('heading', { name: 'Environment', exact: true }),
      ).toBeVisible({ timeout: 60_000 });
      await expect(page.getByText('2.0.0 (#2)')).toBeVisible();
      await screenshot(page, testInfo, 'catalog card');
      await page.getByRole('link', { name: 'Deployment history' }).click();
      await expect(page).toHaveURL(
        new RegExp(`/environments/${environment!.id}\\?tab=deployments$`),
      );
    });

    await test.step('every deployment, newest first, with its outcome', async () => {
      await expect(
        page.getByRole('tab', { name: 'Deployments' }),
      ).toHaveAttribute('aria-selected', 'true');
      const rows = page
        .getByRole('table', { name: `Deployments of ${environmentName}` })
        .getByRole('row');
      await expect(rows).toHaveCount(3);
      await expect(historyRow(page, 2)).toContainText('2.0.0');
      await expect(historyRow(page, 2)).toContainText(
        'Second release, two replicas',
      );
      await expect(historyRow(page, 2)).toContainText('Succeeded');
      await expect(historyRow(page, 2)).toContainText('guest');
      await expect(historyRow(page, 1)).toContainText('First release');
      await expect(historyRow(page, 1)).toContainText('Superseded');
      await expect(historyRow(page, 1)).toContainText('API');
    });

    await test.step('pick the two: their diff side by side', async () => {
      for (const name of ['Compare 1.0.0 (#1)', 'Compare 2.0.0 (#2)']) {
        const checkbox = page.getByRole('checkbox', { name });
        await clickLabelOf(page, checkbox);
        await expect(checkbox).toBeChecked();
      }
      const diff = page.getByRole('table', {
        name: 'Changes between the two deployments',
      });
      await expect(diff).toBeVisible();
      const side = (label: string) =>
        diff.getByRole('row').filter({
          has: page.getByRole('rowheader', { name: label, exact: true }),
        });
      await expect(side('Image').getByRole('cell').first()).toContainText(
        ':1.0.0',
      );
      await expect(side('Image').getByRole('cell').last()).toContainText(
        ':2.0.0',
      );
      await expect(side('Replicas').getByRole('cell')).toHaveText(['1', '2']);
      await expect(side('LOG_LEVEL').getByRole('cell').last()).toHaveText(
        'debug',
      );
      await screenshot(page, testInfo, 'diff side by side');
    });

    expect(consoleErrors).toEqual([]);
  });

  test('roll back to the first version with the keyboard alone: the reason is required, then the pin shows', async ({
    page,
  }, testInfo) => {
    test.setTimeout(180_000);
    const consoleErrors = collectConsoleErrors(page);
    await signInAsGuest(page);
    await page.goto(`/environments/${environment!.id}?tab=deployments`);
    const press = (key: string) => page.keyboard.press(key);
    const rollBack = page.getByRole('button', {
      name: 'Roll back to 1.0.0 (#1)',
    });
    await expect(rollBack).toBeVisible();

    const dialog = page.getByRole('dialog');
    const field = dialog.getByRole('textbox', { name: /Reason/ });
    await test.step('open the dialog from the history', async () => {
      // Only the starting point is set directly: the tab; from there on, keys.
      await page.getByRole('tab', { name: 'Deployments' }).focus();
      await tabTo(page, rollBack);
      await press('Enter');
      await expect(dialog).toBeVisible();
      await expect(dialog).toContainText('pinned');
    });

    await test.step('without a reason it refuses, on the field', async () => {
      const confirm = dialog.getByRole('button', { name: 'Roll back' });
      await tabTo(page, confirm, 10);
      await press('Space');
      await expect(dialog).toBeVisible();
      await expect(field).toBeFocused();
      await expect(field).toHaveAttribute('aria-invalid', 'true');
      await expect(dialog).toContainText('The reason must not be empty');
      await screenshot(page, testInfo, 'reason required');
    });

    await test.step('with a reason it rolls back', async () => {
      await page.keyboard.type(reason);
      await expect(field).not.toHaveAttribute('aria-invalid', 'true');
      await tabTo(page, dialog.getByRole('button', { name: 'Roll back' }), 10);
      await press('Enter');
      await expect(dialog).toBeHidden();
    });

    await test.step('the pin and the rolled-back state show, live', async () => {
      await expect(
        page.getByText(`Pinned after a rollback: ${reason}`),
      ).toBeVisible();
      await expect(historyRow(page, 3)).toContainText('Rollback to 1.0.0 (#1)');
      await expect(historyRow(page, 3)).toContainText('Succeeded', {
        timeout: 120_000,
      });
      await expect(historyRow(page, 2)).toContainText('Rolled back');
      await screenshot(page, testInfo, 'rolled back and pinned');
    });

    expect(consoleErrors).toEqual([]);
  });
});
