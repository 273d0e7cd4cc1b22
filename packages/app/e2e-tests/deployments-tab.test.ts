import { expect, Page, test } from '@playwright/test';
import {
  Deployment,
  Environment,
  EnvironmentsClient,
} from '@internal/backstage-plugin-environments-common';
import { collectConsoleErrors, screenshot, signInAsGuest } from './helpers';

/*
 * A component's Deployments tab against the real backend and local cluster:
 * development and staging environments of Product Catalog created through
 * the API, a version deployed to development through the API and followed
 * live on the tab to succeeded, then promoted to staging from the tab, with
 * the diff it applies previewed, and followed to succeeded there too. The
 * overview's "What runs where" card shows the same and links to the tab.
 */
// Product Catalog: no other browser test uses it, and the promotion path
// needs environments named exactly development and staging (the default
// path), which are unique per component.
const component = { name: 'product-catalog', title: 'Product Catalog' };
const componentRef = `component:default/${component.name}`;
const repository = 'ghcr.io/acme/product-catalog';
const first = '1.0.0';
const next = `1.1.${Date.now() % 100000}`;

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
      { timeout: 120_000, intervals: [500] },
    )
    .toBe('succeeded');
}

/** Waits until the environment has the status. */
async function reaches(
  api: EnvironmentsClient,
  id: string,
  status: Environment['status'],
  token: string,
) {
  await expect
    .poll(async () => (await api.getEnvironment(id, { token })).status, {
      timeout: 180_000,
      intervals: [1_000],
    })
    .toBe(status);
}

/** One environment of the tab's promotion path. */
const stage = (page: Page, name: string) =>
  page
    .getByRole('list', { name: 'Promotion path' })
    .getByRole('region', { name, exact: true });

test.describe('deployments tab', () => {
  test.use({ actionTimeout: 30_000 });
  let api: EnvironmentsClient;
  let token: string;
  const created: Environment[] = [];

  test.beforeAll(async ({ browser, baseURL }) => {
    test.setTimeout(360_000);
    api = new EnvironmentsClient({
      discoveryApi: { getBaseUrl: async () => `${baseURL}/api/environments` },
    });
    const page = await browser.newPage({ baseURL });
    await signInAsGuest(page);
    token = await guestToken(page);
    await page.close();

    // A run that stopped half way left its environments: the names are
    // needed again, so they go first.
    const { items } = await api.listEnvironments({ componentRef }, { token });
    const leftovers = items.filter(e =>
      ['development', 'staging'].includes(e.name),
    );
    for (const leftover of leftovers) {
      await api.deleteEnvironment(leftover.id, { token });
    }
    for (const leftover of leftovers) {
      await reaches(api, leftover.id, 'deleted', token);
    }

    for (const name of ['development', 'staging']) {
      created.push(
        await api.createEnvironment(
          {
            componentRef,
            type: name,
            name,
            image: `${repository}:${first}`,
          },
          { token },
        ),
      );
    }
    for (const environment of created) {
      await reaches(api, environment.id, 'ready', token);
    }
    // Both run the first version as deployments, so that the promotion has
    // something to compare staging's with.
    for (const environment of created) {
      const deployment = await api.deploy(
        environment.id,
        { image: `${repository}:${first}`, message: 'First release' },
        { token },
      );
      await succeeded(api, deployment, token);
    }
  });

  test.afterAll(async () => {
    for (const environment of created) {
      await api.deleteEnvironment(environment.id, { token });
    }
  });

  test('follow a deploy to development live, then promote it to staging with the diff previewed', async ({
    page,
  }, testInfo) => {
    test.setTimeout(300_000);
    const consoleErrors = collectConsoleErrors(page);
    const [development, staging] = created;
    await signInAsGuest(page);

    await test.step('the overview shows what runs where and links to the tab', async () => {
      await page.goto(`/catalog/default/component/${component.name}`);
      const card = page.getByRole('region', { name: 'What runs where' });
      await expect(
        card.getByRole('row', { name: /development/ }),
      ).toContainText(first);
      await expect(card.getByRole('row', { name: /staging/ })).toContainText(
        first,
      );
      await screenshot(page, testInfo, 'what runs where card');
      await card.getByRole('link', { name: 'Deployments' }).click();
      await expect(page).toHaveURL(
        new RegExp(`/catalog/default/component/${component.name}/deployments$`),
      );
      await expect(
        page.getByRole('heading', {
          name: `Deployments of ${component.title}`,
        }),
      ).toBeVisible();
    });

    await test.step('the path is drawn left to right, each with its version', async () => {
      const headings = page
        .getByRole('list', { name: 'Promotion path' })
        .getByRole('heading', { level: 3 });
      await expect(headings).toHaveText([
        'development',
        'staging',
        'production',
      ]);
      await expect(stage(page, 'development')).toContainText(first);
      await expect(stage(page, 'staging')).toContainText(first);
      await expect(stage(page, 'production')).toContainText(
        'No production environment yet.',
      );
      // Both run the same image: nothing to promote yet.
      await expect(page.getByRole('button', { name: /^Promote/ })).toHaveCount(
        0,
      );
    });

    await test.step('a deploy to development through the API shows live, to succeeded', async () => {
      const deployment = await api.deploy(
        development.id,
        { tag: next, message: `Release ${next}` },
        { token },
      );
      expect(deployment.version).toBe(next);
      const developmentStage = stage(page, 'development');
      await expect(developmentStage).toContainText(next);
      await expect(developmentStage).toContainText('Succeeded', {
        timeout: 120_000,
      });
      await expect(developmentStage).toContainText(/Deployed .* by Guest/i);
      await screenshot(page, testInfo, 'development succeeded');
    });

    const promote = page.getByRole('button', {
      name: `Promote ${next} from development to staging`,
    });
    await test.step('Promote previews the diff it will apply', async () => {
      await promote.click();
      const dialog = page.getByRole('dialog');
      await expect(
        dialog.getByRole('heading', { name: `Promote ${next} to staging` }),
      ).toBeVisible();
      const changes = dialog.getByRole('group', {
        name: 'Changes the promotion brings to staging',
      });
      const imageRow = changes.getByRole('row', { name: /^Image .+/ });
      await expect(imageRow).toContainText(`${repository}:${first}`);
      await expect(imageRow).toContainText(`${repository}:${next}`);
      await dialog
        .getByRole('textbox', { name: 'Message' })
        .fill(`${next} passed in development`);
      await screenshot(page, testInfo, 'promote dialog with its diff');
    });

    await test.step('the promotion rolls out in staging, live, to succeeded', async () => {
      await page
        .getByRole('dialog')
        .getByRole('button', { name: 'Promote', exact: true })
        .click();
      await expect(page.getByRole('dialog')).toHaveCount(0);
      const stagingStage = stage(page, 'staging');
      await expect(stagingStage).toContainText(next);
      await expect(stagingStage).toContainText('promoted from development');
      await expect(stagingStage).toContainText('Succeeded', {
        timeout: 120_000,
      });
      await expect(promote).toHaveCount(0);
      await screenshot(page, testInfo, 'staging succeeded');

      const history = await api.listDeployments(
        staging.id,
        { limit: 1 },
        {
          token,
        },
      );
      expect(history.items[0]).toMatchObject({
        kind: 'promotion',
        source: 'ui',
        version: next,
        message: `${next} passed in development`,
        state: 'succeeded',
      });
    });

    expect(consoleErrors).toEqual([]);
  });
});
