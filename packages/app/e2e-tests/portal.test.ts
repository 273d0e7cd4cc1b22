import { APIRequestContext, expect, Page, test } from '@playwright/test';
import { collectConsoleErrors, screenshot, signInAsGuest } from './helpers';

/**
 * The portal as Acme's own: its name and mark in the sidebar, one
 * Notifications entry, sidebar labels that fit, and a home page with the
 * signed-in developer's components, environments, approvals and deployments.
 */

// The guest is in the platform team, which owns the Developer Portal.
const component = {
  ref: 'component:default/idp-portal',
  title: 'Developer Portal',
  name: 'idp-portal',
};
const run = Date.now().toString(36);
const developmentName = `e2e-home-${run}`;
const productionName = `e2e-prod-${run}`;
const ownRequestName = `e2e-own-${run}`;

/** Environments this run created, torn down at the end whatever happened. */
const created: string[] = [];

async function guestToken(request: APIRequestContext): Promise<string> {
  const session = await request.get('/api/auth/guest/refresh?env=development', {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  return (await session.json()).backstageIdentity.token;
}

async function api(
  request: APIRequestContext,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  data?: object,
) {
  const response = await request.fetch(`/api/environments${path}`, {
    method,
    headers: { Authorization: `Bearer ${await guestToken(request)}` },
    data,
  });
  expect(response.ok(), `${method} ${path}: ${await response.text()}`).toBe(
    true,
  );
  return response.json();
}

async function createEnvironment(
  request: APIRequestContext,
  type: string,
  name: string,
) {
  const environment = await api(request, 'POST', '/environments', {
    componentRef: component.ref,
    type,
    name,
  });
  created.push(environment.id);
  return environment;
}

const sidebar = (page: Page) => page.getByTestId('sidebar-root');

test.describe('the portal', () => {
  test.use({ actionTimeout: 30_000 });
  let consoleErrors: string[];

  test.beforeEach(async ({ page }) => {
    consoleErrors = collectConsoleErrors(page);
    await signInAsGuest(page);
  });

  test.afterEach(() => {
    expect(consoleErrors).toEqual([]);
  });

  test.afterAll(async ({ request }) => {
    for (const id of created.splice(0)) {
      await request.delete(`/api/environments/environments/${id}`, {
        headers: { Authorization: `Bearer ${await guestToken(request)}` },
      });
    }
  });

  test("shows the organization's name and mark, not Backstage's", async ({
    page,
  }, testInfo) => {
    const home = sidebar(page).getByRole('link', { name: 'Acme home' });
    await expect(home).toBeVisible();
    await expect(home).toContainText('Acme');
    await expect(home).toContainText('Developer Platform');
    // Backstage's word mark was an svg of this size; nothing of it is left.
    await expect(page.locator('svg[viewBox="0 0 2079.95 456.05"]')).toHaveCount(
      0,
    );
    await screenshot(page, testInfo, 'sidebar');
  });

  test('has exactly one Notifications entry, which opens the notifications', async ({
    page,
  }, testInfo) => {
    const entries = sidebar(page).getByRole('link', { name: /Notifications/ });
    await expect(entries).toHaveCount(1);
    await entries.click();
    await expect(page).toHaveURL(/\/notifications/);
    await expect(
      page.getByRole('heading', { name: 'Notifications' }).first(),
    ).toBeVisible();
    await screenshot(page, testInfo, 'notifications');
  });

  test('shows every sidebar label whole', async ({ page }, testInfo) => {
    const register = sidebar(page).getByRole('link', { name: 'Register' });
    await expect(register).toBeVisible();
    await expect(
      sidebar(page).getByRole('link', { name: 'Approvals' }),
    ).toBeVisible();
    const cut = await sidebar(page).evaluate(root =>
      [...root.querySelectorAll('a *')]
        .filter(element => {
          const style = getComputedStyle(element);
          return (
            element.children.length === 0 &&
            (element.textContent ?? '').trim() !== '' &&
            (style.textOverflow === 'ellipsis' ||
              style.overflow === 'hidden') &&
            element.scrollWidth > element.clientWidth
          );
        })
        .map(element => element.textContent),
    );
    expect(cut).toEqual([]);
    await screenshot(page, testInfo, 'labels');
  });

  test("the home page shows the developer's components, environments, approvals and deployments", async ({
    page,
    request,
  }, testInfo) => {
    test.setTimeout(240_000);
    const development = await createEnvironment(
      request,
      'development',
      developmentName,
    );
    // Production needs an approval: its request waits, for someone else.
    await createEnvironment(request, 'production', productionName);
    await expect
      .poll(
        async () =>
          (
            await api(request, 'GET', `/environments/${development.id}`)
          ).status,
        { timeout: 120_000 },
      )
      .toBe('ready');
    await api(request, 'POST', `/environments/${development.id}/deployments`, {
      // The Developer Portal's catalog entry names no image: give a whole one.
      image: `registry.local/idp-portal:e2e-${run}`,
      message: 'Home page check',
      source: 'api',
    });

    await page.goto('/');
    await expect(
      page.getByRole('heading', { name: /^Welcome/ }).first(),
    ).toBeVisible();

    const components = page.getByRole('list', { name: 'your components' });
    await expect(
      components.getByRole('link', { name: component.title }),
    ).toBeVisible();

    const environments = page.getByRole('list', { name: 'your environments' });
    const developmentRow = environments
      .getByRole('listitem')
      .filter({ hasText: `${component.name} · ${developmentName}` });
    await expect(developmentRow).toContainText('Ready');
    const productionRow = environments
      .getByRole('listitem')
      .filter({ hasText: `${component.name} · ${productionName}` });
    await expect(productionRow).toContainText(
      'Waiting for approval by platform-team',
    );

    const deployments = page.getByRole('list', { name: 'recent deployments' });
    const deployment = deployments
      .getByRole('listitem')
      .filter({ hasText: `${component.name} e2e-${run} → ${developmentName}` });
    // Live: the rollout's end arrives through the signal.
    await expect(deployment).toContainText('Succeeded', { timeout: 60_000 });
    await expect(deployment).toContainText('Home page check');

    await expect(page.getByText(/Your request for idp-portal/)).toContainText(
      'Waiting for approval by platform-team',
    );
    await screenshot(page, testInfo, 'home');
  });

  test("the Approvals page lists the developer's own request, and shows the backend's refusal to approve it", async ({
    page,
    request: http,
  }, testInfo) => {
    await createEnvironment(http, 'production', ownRequestName);
    await page
      .getByTestId('sidebar-root')
      .getByRole('link', { name: 'Approvals' })
      .click();
    await expect(page).toHaveURL(/\/approvals$/);
    const request = page.getByRole('region', {
      name: `${component.name} ${ownRequestName} (production)`,
    });
    await expect(request).toContainText(
      'Waiting for approval by platform-team',
    );

    // Without a comment nothing is sent.
    const approve = request.getByRole('button', { name: /^Approve/ });
    await approve.click();
    await expect(request.getByText('Comment must not be empty')).toBeVisible();

    await request
      .getByRole('textbox', { name: /Comment/ })
      .fill('Approving my own request');
    await approve.click();
    await expect(request.getByRole('alert')).toContainText(
      'You cannot approve your own request',
    );
    // The browser logs the refused request itself; that refusal is the point.
    consoleErrors = consoleErrors.filter(
      error => !/status of 403 \(Forbidden\)/.test(error),
    );
    await screenshot(page, testInfo, 'own request refused');
  });
});
