import { expect, Page, test } from '@playwright/test';
import {
  Environment,
  EnvironmentsClient,
} from '@internal/backstage-plugin-environments-common';
import {
  collectConsoleErrors,
  refusedRequest,
  screenshot,
  signInAsGuest,
} from './helpers';

/*
 * The platform's policies where people act, against the real backend and its
 * compiled bundle (policies/, `./platform opa build`): the deploy form of an
 * environment created through the API shows the denial of an image from a
 * registry outside the allow-list (policies/data.json) before Deploy, as the
 * dry run reports it, and disables Deploy; with the dry run unable to answer,
 * Deploy's 403 lists the same denial; the request form denies a type the
 * component's lifecycle does not allow before submit; the Policies page lists
 * the rules and the deploy's decision.
 */
const componentRef = 'component:default/notification-worker';
const repository = 'ghcr.io/acme/notification-worker';
/** Not in data.idp.config.registries. */
const refusedRepository = 'evil.example.com/notification-worker';
/** A name no earlier run used: environment names are unique per component. */
const environmentName = `e2e-policy-${Date.now().toString(36)}`;
const registryRule = 'deployments.allowed_registries';

async function guestToken(page: Page): Promise<string> {
  const response = await page.request.get(
    '/api/auth/guest/refresh?env=development',
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  expect(response.ok(), await response.text()).toBe(true);
  return (await response.json()).backstageIdentity.token;
}

test.describe.serial('policies', () => {
  test.use({ actionTimeout: 30_000 });

  let api: EnvironmentsClient;
  let token: string;
  let environment: Environment;

  test.beforeAll(async ({ browser, baseURL }) => {
    test.setTimeout(240_000);
    const page = await browser.newPage({ baseURL });
    await signInAsGuest(page);
    token = await guestToken(page);
    await page.close();
    api = new EnvironmentsClient({
      discoveryApi: { getBaseUrl: async () => `${baseURL}/api/environments` },
    });
    environment = await api.createEnvironment(
      {
        componentRef,
        type: 'development',
        name: environmentName,
        image: `${repository}:1.0.0`,
      },
      { token },
    );
    await expect
      .poll(
        async () =>
          (
            await api.getEnvironment(environment.id, { token })
          ).status,
        { timeout: 180_000, intervals: [1_000] },
      )
      .toBe('ready');
  });

  test.afterAll(async () => {
    if (environment) {
      await api.deleteEnvironment(environment.id, { token });
    }
  });

  test("the deploy form shows a denial's message before and after Deploy; the Policies page lists the rules and the decision", async ({
    page,
  }, testInfo) => {
    test.setTimeout(180_000);
    const consoleErrors = collectConsoleErrors(
      page,
      message =>
        // Deploy's 403, and the dry run this test makes fail on purpose.
        refusedRequest(403, /\/deployments$/)(message) ||
        (message.text().includes('ERR_FAILED') &&
          /\/policy\/evaluate$/.test(
            new URL(message.location().url, 'http://x').pathname,
          )),
    );
    await signInAsGuest(page);

    const deployButton = page.getByRole('button', {
      name: 'Deploy',
      exact: true,
    });
    const denialMessage = new RegExp(
      `image ${refusedRepository}:1\\.0\\.\\d is not from an allowed registry \\(allowed: .*ghcr\\.io/acme`,
    );

    await test.step('open the deploy form', async () => {
      await page.goto(`/environments/${environment.id}/deploy`);
      await expect(
        page.getByText(`Runs now: ${repository}:1.0.0`),
      ).toBeVisible();
      await expect(deployButton).toBeEnabled();
    });

    await test.step('an image from a registry outside the allow-list: the dry run denies it before Deploy', async () => {
      await page
        .getByRole('textbox', { name: 'Image' })
        .fill(refusedRepository);
      const alert = page.getByRole('alert').filter({
        hasText: "The platform's policies would deny this deployment",
      });
      await expect(alert).toBeVisible();
      await expect(alert.getByText(denialMessage)).toBeVisible();
      await expect(
        alert.getByText(registryRule, { exact: true }),
      ).toBeVisible();
      await expect(deployButton).toBeDisabled();
      await expect(deployButton).toHaveAccessibleDescription(
        /Deploying is not possible: the platform's policies deny it/,
      );
      await screenshot(page, testInfo, 'denied before deploy');
    });

    await test.step("without a dry run's answer, Deploy is sent and its 403 lists the denial", async () => {
      await page.route('**/api/environments/policy/evaluate', route =>
        route.abort(),
      );
      await page.getByRole('textbox', { name: 'Tag' }).fill('1.0.1');
      await expect(deployButton).toBeEnabled();
      await deployButton.click();
      const alert = page.getByRole('alert').filter({
        hasText: "The deployment was denied by the platform's policies",
      });
      await expect(alert).toBeVisible();
      await expect(alert.getByText(denialMessage)).toBeVisible();
      await expect(
        alert.getByText(registryRule, { exact: true }),
      ).toBeVisible();
      await screenshot(page, testInfo, 'denied after deploy');
      await page.unroute('**/api/environments/policy/evaluate');
    });

    await test.step("the request form: a type the component's lifecycle does not allow is denied before submit", async () => {
      // Fraud Detector is experimental (catalog/): development and preview only.
      await page.goto(
        '/environments/new?component=component:default/fraud-detector',
      );
      // React Aria's radio takes a click on its label, not on the hidden input.
      const radio = (type: string) =>
        page.locator('label').filter({
          has: page.getByRole('radio', { name: new RegExp(`^${type}`) }),
        });
      await radio('staging').click();
      const alert = page.getByRole('alert').filter({
        hasText: "The platform's policies would deny this request",
      });
      await expect(alert).toBeVisible();
      await expect(
        alert.getByText(
          /environment\.type staging is not allowed for component:default\/fraud-detector, whose lifecycle is experimental \(allowed: development, preview\)/,
        ),
      ).toBeVisible();
      await expect(
        alert.getByText('environments.type_allowed_for_lifecycle', {
          exact: true,
        }),
      ).toBeVisible();
      const submit = page.getByRole('button', { name: 'Request environment' });
      await expect(submit).toBeDisabled();
      await expect(submit).toHaveAccessibleDescription(
        /Requesting it is not possible/,
      );
      await screenshot(page, testInfo, 'request denied before submit');
      await radio('development').click();
      await expect(alert).toBeHidden();
      await expect(submit).toBeEnabled();
    });

    await test.step('the Policies page lists the active rules and the denial', async () => {
      await page
        .getByTestId('sidebar-root')
        .getByRole('link', { name: 'Policies', exact: true })
        .click();
      await expect(page).toHaveURL(/\/policies$/);
      await expect(
        page.getByText('Images only from allowed registries'),
      ).toBeVisible();
      await expect(page.getByText(/bundle revision \S+/)).toBeVisible();
      const decision = page
        .getByRole('row')
        .filter({ hasText: `notification-worker · ${environmentName}` })
        .filter({ hasText: 'deployment.deploy' })
        .first();
      await expect(decision).toBeVisible();
      await expect(decision.getByText('deny', { exact: true })).toBeVisible();
      await expect(decision.getByText(registryRule)).toBeVisible();
      await screenshot(page, testInfo, 'policies page');
    });

    expect(consoleErrors).toEqual([]);
  });
});
