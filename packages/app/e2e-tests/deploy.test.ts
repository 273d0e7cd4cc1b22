import { expect, Page, test } from '@playwright/test';
import {
  Environment,
  EnvironmentsClient,
} from '@internal/backstage-plugin-environments-common';
import { collectConsoleErrors, screenshot, signInAsGuest } from './helpers';

/*
 * The deploy form against the real backend and local cluster: an environment
 * of Notification Worker created through the API, then deployed to from its
 * page: a value beyond the type's bound refused as it is typed, a new tag
 * followed to succeeded, ten more timed, and an image that cannot be pulled
 * (a registry host ending in .invalid, which the local cluster's kwok stages
 * fail with ErrImagePull, then ImagePullBackOff, and which the test backend's
 * policies allow: scripts/local-opa/for-tests.patch.json) followed to failed.
 */
const componentRef = 'component:default/notification-worker';
const repository = 'ghcr.io/acme/notification-worker';
/** A name no earlier run used: environment names are unique per component. */
const environmentName = `e2e-deploy-${Date.now().toString(36)}`;
/** The development type's replicas bound (app-config.yaml). */
const replicasBound = 2;
/** How many deploys the timing takes the median of. */
const TIMED_RUNS = 10;

async function guestToken(page: Page): Promise<string> {
  const response = await page.request.get(
    '/api/auth/guest/refresh?env=development',
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  expect(response.ok(), await response.text()).toBe(true);
  return (await response.json()).backstageIdentity.token;
}

/** The environments API as the guest: the contract's own client. */
function environmentsApi(baseURL: string) {
  return new EnvironmentsClient({
    discoveryApi: { getBaseUrl: async () => `${baseURL}/api/environments` },
  });
}

const deploymentState = (page: Page) => page.getByLabel('Deployment state');

/**
 * Deploys `tag` (of `image`, when given) from the open form and resolves to
 * the milliseconds from pressing Deploy to the page showing `state`.
 */
async function deploy(
  page: Page,
  change: { tag: string; image?: string },
  state: 'Succeeded' | 'Failed',
): Promise<number> {
  if (change.image) {
    await page.getByRole('textbox', { name: 'Image' }).fill(change.image);
  }
  await page.getByRole('textbox', { name: 'Tag' }).fill(change.tag);
  const deployButton = page.getByRole('button', {
    name: 'Deploy',
    exact: true,
  });
  await expect(deployButton).toBeEnabled();
  const pressed = Date.now();
  await deployButton.click();
  await expect(deploymentState(page)).toHaveText(state, { timeout: 180_000 });
  return Date.now() - pressed;
}

async function deployAnother(page: Page) {
  await page.getByRole('button', { name: 'Deploy another version' }).click();
  await expect(page.getByRole('textbox', { name: 'Tag' })).toBeVisible();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

test.describe.serial('deploy', () => {
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
    api = environmentsApi(baseURL!);
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

  test('refuses replicas beyond the bound as they are typed, then deploys a new tag to succeeded', async ({
    page,
  }, testInfo) => {
    test.setTimeout(240_000);
    const consoleErrors = collectConsoleErrors(page);
    await signInAsGuest(page);

    await test.step('open Deploy from the environment page', async () => {
      await page.goto(`/environments/${environment.id}`);
      await page
        .getByRole('link', { name: `Deploy to ${environmentName}` })
        .click();
      await expect(page).toHaveURL(
        new RegExp(`/environments/${environment.id}/deploy$`),
      );
      await expect(
        page.getByRole('heading', {
          name: `Deploy notification-worker to ${environmentName}`,
        }),
      ).toBeVisible();
      await expect(
        page.getByText(`Runs now: ${repository}:1.0.0`),
      ).toBeVisible();
    });

    const replicas = page.getByRole('textbox', { name: 'Replicas' });
    await test.step('type replicas beyond the bound: the error shows before any submit', async () => {
      await expect(replicas).toHaveAccessibleDescription(
        new RegExp(`At most ${replicasBound}, the bound of type development`),
      );
      await replicas.fill(String(replicasBound + 3));
      await expect(replicas).toHaveAttribute('aria-invalid', 'true');
      await expect(replicas).toHaveAccessibleDescription(
        new RegExp(
          `Must be at most ${replicasBound}, the replicas bound of type development \\(got ${
            replicasBound + 3
          }\\)`,
        ),
      );
      await screenshot(page, testInfo, 'replicas beyond the bound');
      await replicas.fill(String(replicasBound));
      await expect(replicas).not.toHaveAttribute('aria-invalid', 'true');
      await expect(replicas).toHaveAccessibleDescription(/From the override/);
    });

    await test.step('deploy a new tag and watch it succeed', async () => {
      const elapsed = await deploy(page, { tag: '1.0.1' }, 'Succeeded');
      await expect(
        page.getByText(
          `${replicasBound} of ${replicasBound} pods of this version ready.`,
        ),
      ).toBeVisible();
      await screenshot(page, testInfo, 'succeeded');
      // eslint-disable-next-line no-console
      console.log(`Deploy pressed to succeeded shown: ${elapsed} ms`);
    });

    await test.step('the new version is offered next time, and runs now', async () => {
      await deployAnother(page);
      await expect(
        page.getByText(`Runs now: ${repository}:1.0.1`),
      ).toBeVisible();
      await expect(
        page.getByRole('button', {
          name: /^Use 1\.0\.1 \(deployment \d+ here, succeeded\)/,
        }),
      ).toBeVisible();
    });

    expect(consoleErrors).toEqual([]);
  });

  test(`times pressing Deploy to succeeded, median of ${TIMED_RUNS}`, async ({
    page,
  }) => {
    test.setTimeout(600_000);
    const consoleErrors = collectConsoleErrors(page);
    await signInAsGuest(page);
    await page.goto(`/environments/${environment.id}/deploy`);

    const times: number[] = [];
    for (let run = 1; run <= TIMED_RUNS; run++) {
      times.push(await deploy(page, { tag: `1.1.${run}` }, 'Succeeded'));
      await deployAnother(page);
    }
    // eslint-disable-next-line no-console
    console.log(
      `Deploy pressed to succeeded shown, ${TIMED_RUNS} runs: median ${median(
        times,
      )} ms (each: ${times.join(', ')} ms)`,
    );
    expect(consoleErrors).toEqual([]);
  });

  test('an image that cannot be pulled ends failed, with its reason and hint', async ({
    page,
  }, testInfo) => {
    test.setTimeout(300_000);
    const consoleErrors = collectConsoleErrors(page);
    await signInAsGuest(page);
    await page.goto(`/environments/${environment.id}/deploy`);

    const elapsed = await deploy(
      page,
      { image: 'registry.invalid/acme/notification-worker', tag: 'broken' },
      'Failed',
    );
    const failure = page.getByRole('region', { name: 'Why it failed' });
    await expect(failure).toContainText('ImagePullBackOff');
    await expect(failure).toContainText(
      'Kubernetes cannot pull the container image',
    );
    // The events list's own hint, beside the warning it explains.
    await expect(page.getByRole('list', { name: 'Events' })).toContainText(
      'What this means: Kubernetes cannot pull the container image',
    );
    await expect(page.getByRole('list', { name: 'Pods' })).toContainText(
      'ImagePullBackOff',
    );
    await screenshot(page, testInfo, 'failed');
    // eslint-disable-next-line no-console
    console.log(`Deploy pressed to failed shown: ${elapsed} ms`);
    expect(consoleErrors).toEqual([]);
  });
});
