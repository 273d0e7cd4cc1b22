import { expect, test } from '@playwright/test';
import {
  collectConsoleErrors,
  screenshot,
  signInAsGuest,
  showAllInCatalog,
} from './helpers';

test.describe("a service's deployments and logs", () => {
  test('shows the deployment, its pods and a pod log from the cluster', async ({
    page,
  }, testInfo) => {
    const consoleErrors = collectConsoleErrors(page);
    await signInAsGuest(page);

    await page.goto('/catalog');
    await showAllInCatalog(page);
    await page.getByRole('link', { name: 'Orders Service' }).click();
    await page
      .getByRole('navigation', { name: 'Content navigation' })
      .getByRole('link', { name: 'Kubernetes' })
      .click();

    const cluster = page.getByRole('button', { name: /local Cluster/ });
    await expect(cluster).toBeVisible();
    await expect(page.getByText('2 pods')).toBeVisible();
    await expect(page.getByText('No pods with errors')).toBeVisible();
    await cluster.click();

    await page
      .getByRole('button', { name: /orders-service Deployment/ })
      .first()
      .click();
    const pods = page.getByRole('button', {
      name: /^orders-service-[a-z0-9]+-[a-z0-9]+$/,
    });
    await expect(pods).toHaveCount(2);
    await expect(page.getByRole('cell', { name: 'Running' })).toHaveCount(2);
    await screenshot(page, testInfo, 'deployment and pods');

    await pods.first().click();
    await expect(
      page.getByText('registry.acme.example/storefront/orders-service:1.4.2'),
    ).toBeVisible();
    await page.getByRole('button', { name: 'get logs' }).click();
    await expect(
      page.getByRole('heading', {
        name: /orders-service logs on cluster local/,
      }),
    ).toBeVisible();
    // The viewer is scrolled to the newest lines, which the log ticker
    // writes every few seconds; the first lines are out of view once the
    // cluster has run for a few minutes.
    await expect(page.getByText(/"msg":"request served"/).last()).toBeVisible();
    await screenshot(page, testInfo, 'pod logs');

    expect(consoleErrors).toEqual([]);
  });
});
