import { expect, Page, test } from '@playwright/test';
import { EnvironmentsClient } from '@internal/backstage-plugin-environments-common';
import { collectConsoleErrors, screenshot, signInAsGuest } from './helpers';

/*
 * Issue 15, the scaffolder road: under Create, "Request an environment" for
 * a component of the guest's team (the platform team owns the Developer
 * Platform Backend), followed in the task log until the environment is ready
 * in the local cluster; then "Deploy a version" to that environment, chosen
 * among the component's environments by the portal's EnvironmentPicker,
 * followed until the rollout succeeds, and the deployment history it links to.
 * Runs against the real backend and cluster that `./platform test` starts.
 */
const componentTitle = 'Developer Platform Backend';
const componentRef = 'component:default/idp-backend';
/** A name no earlier run used: environment names are unique per component. */
const environmentName = `e2e-tpl-${Date.now().toString(36)}`;
/** The component names no image, so the deployment gives a whole one. */
const image = 'ghcr.io/acme/idp-backend:1.0.0';

async function guestToken(page: Page): Promise<string> {
  const response = await page.request.get(
    '/api/auth/guest/refresh?env=development',
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  expect(response.ok(), await response.text()).toBe(true);
  return (await response.json()).backstageIdentity.token;
}

/** Seconds between two Date.now() values, for the figures printed below. */
const seconds = (from: number, to: number) => ((to - from) / 1000).toFixed(1);

/** Opens a template from the Create page, where it is listed under its group. */
async function chooseTemplate(page: Page, title: string) {
  await page.goto('/create');
  // The groups (app-config.yaml): golden paths first, then these.
  await expect(
    page.getByRole('heading', {
      name: /^(Golden paths|Environments and deployments)$/,
    }),
  ).toHaveText(['Golden paths', 'Environments and deployments']);
  await page
    .locator('.MuiCard-root')
    .filter({ has: page.getByRole('heading', { name: title }) })
    .getByRole('button', { name: 'Choose' })
    .click();
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
}

/** Picks the component in the template's OwnedEntityPicker. */
async function chooseComponent(page: Page) {
  await page.getByLabel(/^Component/).click();
  await page.getByRole('option', { name: componentTitle }).click();
}

/** Presses Create on the review page and waits for the task to end. */
async function runTask(page: Page, finished: string) {
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/create\/tasks\/[^/]+$/);
  const done = page.getByRole('link', { name: finished });
  const failure = page.getByText(/^Error: /);
  await expect(done.or(failure)).toBeVisible({ timeout: 300_000 });
  if (await failure.isVisible()) {
    throw new Error(`The task failed: ${await failure.textContent()}`);
  }
}

test.describe
  .serial('the scaffolder road: request an environment, then deploy to it', () => {
  test.use({ actionTimeout: 30_000 });

  let api: EnvironmentsClient;
  let token: string;
  let environmentId: string | undefined;

  test.beforeAll(({ baseURL }) => {
    api = new EnvironmentsClient({
      discoveryApi: { getBaseUrl: async () => `${baseURL}/api/environments` },
    });
  });

  test.afterAll(async () => {
    // Leaves nothing behind, so that a rerun against the same cluster is clean.
    if (environmentId && token) {
      await api.deleteEnvironment(environmentId, { token });
    }
  });

  test('"Request an environment" provisions one and follows it to ready', async ({
    page,
  }, testInfo) => {
    test.setTimeout(420_000);
    const consoleErrors = collectConsoleErrors(page);
    await signInAsGuest(page);
    token = await guestToken(page);

    await chooseTemplate(page, 'Request an environment');
    await chooseComponent(page);
    // The type list says what each type is; development is the default.
    await expect(page.getByLabel(/^Environment type/)).toContainText(
      'development: A long-lived environment',
    );
    // A bad name is explained under the field before anything is sent.
    const name = page.getByRole('textbox', { name: 'Name' });
    await name.fill('E2E_Bad');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(
      page.getByText(/^Use only lowercase letters \(a-z\), digits/),
    ).toBeVisible();
    await name.fill(environmentName);
    await screenshot(page, testInfo, 'component and type');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(
      page.getByRole('checkbox', { name: 'Wait until it is ready' }),
    ).toBeChecked();
    await screenshot(page, testInfo, 'resources and waiting');

    const createdAt = Date.now();
    await runTask(page, 'Environment page');
    const readyAt = Date.now();
    await expect(page.getByTestId('text-output-box')).toContainText(
      'is ready in namespace',
    );
    await screenshot(page, testInfo, 'task finished');

    const href = await page
      .getByRole('link', { name: 'Environment page' })
      .getAttribute('href');
    environmentId = /\/environments\/([^/?#]+)$/.exec(href ?? '')?.[1];
    expect(environmentId, `the environment page's link: ${href}`).toBeTruthy();
    const environment = await api.getEnvironment(environmentId!, { token });
    expect(environment).toMatchObject({
      componentRef,
      name: environmentName,
      type: 'development',
      status: 'ready',
      createdBy: 'user:default/guest',
    });
    // The template's output names the namespace (the task log names it too).
    await expect(
      page.getByTestId('text-output-box').getByText(environment.namespace),
    ).toBeVisible();

    // eslint-disable-next-line no-console
    console.log(
      `Request an environment: Create -> ready ${seconds(
        createdAt,
        readyAt,
      )} s`,
    );
    // The form logs the rejected name on purpose; nothing else may fail.
    expect(
      consoleErrors.filter(e => !e.startsWith('Form validation failed')),
    ).toEqual([]);
  });

  test('"Deploy a version" deploys to it, follows the rollout to succeeded and links to the history', async ({
    page,
    baseURL,
  }, testInfo) => {
    test.skip(!environmentId, 'the environment was not requested');
    test.setTimeout(420_000);
    const consoleErrors = collectConsoleErrors(page);
    await signInAsGuest(page);

    await chooseTemplate(page, 'Deploy a version');
    const environmentField = page.getByRole('button', { name: /Environment/ });
    await expect(page.getByText('Choose the component first.')).toBeVisible();
    await chooseComponent(page);
    await environmentField.click();
    await page
      .getByRole('option', {
        name: `${environmentName} (development, ready)`,
      })
      .click();
    await screenshot(page, testInfo, 'where');
    await page.getByRole('button', { name: 'Next' }).click();

    const version = page.getByRole('textbox', { name: 'Version' });
    await version.fill('1.0.0 beta');
    await page.getByRole('button', { name: 'Review' }).click();
    await expect(page.getByText(/^Give a tag \(letters, digits/)).toBeVisible();
    await version.fill(image);
    await page
      .getByRole('textbox', { name: 'Why' })
      .fill('Deployed by the scaffolder browser test');
    await screenshot(page, testInfo, 'version');

    const createdAt = Date.now();
    // runTask presses Review again: the form is valid now.
    await runTask(page, 'Deployment history');
    const succeededAt = Date.now();
    await expect(page.getByTestId('text-output-box')).toContainText(
      `of 1.0.0 to ${environmentName} is succeeded`,
    );
    await screenshot(page, testInfo, 'task finished');

    const { items } = await api.listDeployments(environmentId!, {}, { token });
    expect(items[0]).toMatchObject({
      state: 'succeeded',
      version: '1.0.0',
      source: 'scaffolder',
      message: 'Deployed by the scaffolder browser test',
      createdBy: 'user:default/guest',
    });

    // An absolute address (the action's url, from app.baseUrl): the task page
    // opens it in a new tab; this test follows it in the same one.
    const history = page.getByRole('link', { name: 'Deployment history' });
    await expect(history).toHaveAttribute(
      'href',
      `${baseURL}/environments/${environmentId}?tab=deployments`,
    );
    await page.goto((await history.getAttribute('href'))!);
    await expect(
      page.getByText('Deployed by the scaffolder browser test'),
    ).toBeVisible();
    await screenshot(page, testInfo, 'deployment history');

    // eslint-disable-next-line no-console
    console.log(
      `Deploy a version: Create -> succeeded ${seconds(
        createdAt,
        succeededAt,
      )} s`,
    );
    expect(
      consoleErrors.filter(e => !e.startsWith('Form validation failed')),
    ).toEqual([]);
  });
});
