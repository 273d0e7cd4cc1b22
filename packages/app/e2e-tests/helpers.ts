import { ConsoleMessage, expect, Page, TestInfo } from '@playwright/test';
import path from 'node:path';

/** Screenshots a user would look at, kept in test-results/screenshots (git-ignored). */
export async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  const file = path.join(
    __dirname,
    '../../../test-results/screenshots',
    `${testInfo.titlePath.slice(1).join(' - ')} - ${name}.png`.replace(
      /[\/:]/g,
      '_',
    ),
  );
  await page.screenshot({ path: file, fullPage: true });
}

export async function signInAsGuest(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  // The sidebar's link: pages with breadcrumbs have a second navigation naming Catalog.
  await expect(
    page
      .getByTestId('sidebar-root')
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

/** Fails the test on any error the page logs to the browser console. */
export function collectConsoleErrors(
  page: Page,
  /** A refusal the test provokes and expects, e.g. {@link refusedRequest}. */
  expected: (message: ConsoleMessage) => boolean = () => false,
): string[] {
  const errors: string[] = [];
  page.on('console', message => {
    if (message.type() === 'error' && !expected(message)) {
      errors.push(message.text());
    }
  });
  page.on('pageerror', error => errors.push(error.message));
  return errors;
}

const catalogListHeading = (
  page: Page,
  filter: 'Owned' | 'All' | 'Owned|All',
) =>
  page
    .getByRole('heading', { name: new RegExp(`^(${filter}) .+ \\(\\d+\\)$`) })
    .first();

/**
 * Switches the catalog list to everything of the selected kind, not only what the user
 * owns. Waits for the list first: a click before the page has settled its default
 * filter is undone by it.
 */
export async function showAllInCatalog(page: Page) {
  await expect(catalogListHeading(page, 'Owned|All')).toBeVisible();
  await page.getByRole('menuitem', { name: /^All/ }).click();
  await expect(catalogListHeading(page, 'All')).toBeVisible();
}

/**
 * The password of every seed person at the local OpenID Connect issuer
 * (scripts/local-oidc/README.md): for local use only.
 */
const orgPassword = process.env.IDP_OIDC_PASSWORD ?? 'acme-local';

/**
 * Signs in as a person of the seed organization (`alice.nguyen`) through the
 * sign-in page's single sign-on: production's oidc provider, against the local
 * issuer (app-config.oidc.yaml), whose login page opens in a popup.
 */
export async function signInAs(page: Page, login: string) {
  await page.goto('/');
  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Sign In' }).click();
  const popup = await popupOpened;
  await popup.getByLabel('User name or email').fill(login);
  await popup.getByLabel('Password').fill(orgPassword);
  const closed = popup.waitForEvent('close');
  await popup.getByRole('button', { name: 'Sign in' }).click();
  await closed;
  await expect(
    page
      .getByTestId('sidebar-root')
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

/**
 * The Backstage token of the user signed in on this page, for API calls as
 * them: read as the app reads it, from the oidc provider's session refresh.
 */
export async function backstageToken(page: Page): Promise<string> {
  const response = await page.request.get(
    '/api/auth/oidc/refresh?optional&env=development',
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  expect(response.ok(), await response.text()).toBe(true);
  const body = await response.json();
  return body.backstageIdentity.token;
}

/**
 * Whether a console error is the browser's report of a request to `pathname`
 * answered with `status`: what a test provokes on purpose, such as a 403.
 */
export function refusedRequest(status: number, pathname: RegExp) {
  return (message: ConsoleMessage) =>
    message.text().includes(`status of ${status}`) &&
    pathname.test(new URL(message.location().url, 'http://x').pathname);
}

/**
 * Signing in with single sign-on first asks the backend for an existing
 * session (`/api/auth/oidc/refresh?optional`), which a new browser has not:
 * Backstage answers 401 and opens the issuer's login. The browser reports that
 * 401 as a console error; it is part of every first sign-in.
 */
export const firstSignInProbe = refusedRequest(
  401,
  /^\/api\/auth\/oidc\/refresh$/,
);
