import { expect, Page, test } from '@playwright/test';
import {
  collectConsoleErrors,
  screenshot,
  signInAsGuest,
  showAllInCatalog,
} from './helpers';

/** Picks another kind in the catalog's Kind filter and shows all of it, not only owned. */
async function showAllOfKind(page: Page, from: string, to: string) {
  await showAllInCatalog(page);
  await page.getByRole('button', { name: from, exact: true }).click();
  await page.getByRole('option', { name: to, exact: true }).click();
  await showAllInCatalog(page);
}

test.describe('the service catalog', () => {
  let consoleErrors: string[];

  test.beforeEach(async ({ page }) => {
    consoleErrors = collectConsoleErrors(page);
    await signInAsGuest(page);
    // The home page is the front page (portal.test.ts); these start at the catalog.
    await page
      .getByTestId('sidebar-root')
      .getByRole('link', { name: 'Catalog', exact: true })
      .click();
  });

  test.afterEach(() => {
    expect(consoleErrors).toEqual([]);
  });

  test('signs in as guest and opens the catalog of what they own', async ({
    page,
  }, testInfo) => {
    await expect(page).toHaveURL(/\/catalog/);
    await expect(
      page.getByRole('heading', { name: 'Acme Catalog' }),
    ).toBeVisible();
    // The guest belongs to the platform team, which owns the platform itself.
    await expect(
      page.getByRole('link', { name: 'Developer Portal' }),
    ).toBeVisible();
    await screenshot(page, testInfo, 'owned');

    await showAllInCatalog(page);
    await expect(
      page.getByRole('link', { name: 'Orders Service' }),
    ).toBeVisible();
    await screenshot(page, testInfo, 'all components');
  });

  test('filters by kind and by owner', async ({ page }, testInfo) => {
    await showAllOfKind(page, 'Component', 'API');
    await expect(
      page.getByRole('link', { name: 'Payments API' }),
    ).toBeVisible();
    await expect(
      page.getByRole('link', { name: 'Orders Service' }),
    ).toHaveCount(0);
    await screenshot(page, testInfo, 'APIs');

    await showAllOfKind(page, 'API', 'Component');
    await expect(
      page.getByRole('link', { name: 'Orders Service' }),
    ).toBeVisible();
    await page.getByRole('textbox', { name: 'Owner' }).click();
    await page.getByRole('option', { name: /Payments Team/ }).click();
    await page.keyboard.press('Escape');
    await expect(
      page.getByRole('link', { name: 'Fraud Detector' }),
    ).toBeVisible();
    await expect(
      page.getByRole('link', { name: 'Payments Service' }),
    ).toBeVisible();
    await expect(
      page.getByRole('link', { name: 'Orders Service' }),
    ).toHaveCount(0);
    await screenshot(page, testInfo, 'components owned by the payments team');
  });

  test('shows a component with its APIs and dependencies', async ({
    page,
  }, testInfo) => {
    await showAllInCatalog(page);
    await page.getByRole('link', { name: 'Orders Service' }).click();
    await expect(
      page.getByRole('heading', { name: 'Orders Service' }),
    ).toBeVisible();

    await expect(
      page.getByRole('heading', { name: 'Depends on components' }),
    ).toBeVisible();
    await expect(
      page.getByRole('link', { name: 'Payments Service' }).first(),
    ).toBeVisible();
    await expect(
      page.getByRole('heading', { name: 'Depends on resources' }),
    ).toBeVisible();
    await expect(
      page.getByRole('link', { name: 'Orders Database' }).first(),
    ).toBeVisible();
    await screenshot(page, testInfo, 'overview');

    await page
      .getByRole('navigation', { name: 'Content navigation' })
      .getByRole('link', { name: 'APIs' })
      .click();
    await expect(
      page.getByRole('heading', { name: 'Provided APIs' }),
    ).toBeVisible();
    await expect(
      page.getByRole('link', { name: 'Orders API' }).first(),
    ).toBeVisible();
    await expect(
      page.getByRole('heading', { name: 'Consumed APIs' }),
    ).toBeVisible();
    await expect(
      page.getByRole('link', { name: 'Payments API' }).first(),
    ).toBeVisible();
    await screenshot(page, testInfo, 'APIs');
  });
});
