import {
  APIRequestContext,
  expect,
  Locator,
  Page,
  test,
} from '@playwright/test';
import { environmentNamespace } from '@internal/backstage-plugin-environments-common';
import {
  collectConsoleErrors,
  screenshot,
  showAllInCatalog,
  signInAsGuest,
} from './helpers';

// Payments Service rather than Orders Service: the Kubernetes test counts the
// pods of Orders Service, and an environment's pods carry its component's
// kubernetes-id until its namespace is gone.
const component = { name: 'payments-service', title: 'Payments Service' };
/** A name no earlier run used: environment names are unique per component. */
const environmentName = `e2e-${Date.now().toString(36)}`;
const namespace = environmentNamespace(
  `component:default/${component.name}`,
  environmentName,
);

/** The timeline's step with this title, e.g. "Ready". */
const timelineStep = (page: Page, title: string) =>
  page
    .getByRole('list', { name: 'Timeline' })
    .getByRole('listitem')
    .filter({ hasText: new RegExp(`^${title} \\(`) });

/**
 * Clicks the label of a radio button or switch, as people do: React Aria
 * hides the input itself under its label.
 */
async function clickLabelOf(page: Page, control: Locator) {
  await page.locator('label').filter({ has: control }).click();
}

async function openComponentTab(page: Page, tab: string) {
  await page.goto('/catalog');
  await showAllInCatalog(page);
  await page.getByRole('link', { name: component.title }).click();
  await page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: tab })
    .click();
}

/**
 * The ticker lines of the log (`"seq":N` access-log lines, written every few
 * seconds by scripts/local-cluster/log-ticker.sh), as the page shows them
 * with "Show times" on: `<RFC 3339 time the line was written>  <text>`.
 * Resolves to the delay between writing a line and the page showing it.
 */
async function delayOfNextLogLine(log: Locator): Promise<number> {
  return log.evaluate(
    element =>
      new Promise<number>((resolve, reject) => {
        const lastSeq = () =>
          Math.max(
            -1,
            ...[...(element.textContent ?? '').matchAll(/"seq":(\d+)/g)].map(
              match => Number(match[1]),
            ),
          );
        const before = lastSeq();
        const observer = new MutationObserver(() => {
          const shownAt = Date.now();
          const lines = (element.textContent ?? '').split('\n');
          const line = lines.find(l => {
            const seq = /"seq":(\d+)/.exec(l);
            return seq && Number(seq[1]) > before;
          });
          if (!line) return;
          observer.disconnect();
          const written = /^(\S+)\s/.exec(line)?.[1] ?? '';
          // Date.parse takes milliseconds at most; the CRI time has nanoseconds.
          const writtenAt = Date.parse(
            written.replace(/(\.\d{3})\d*Z$/, '$1Z'),
          );
          resolve(shownAt - writtenAt);
        });
        observer.observe(element, {
          childList: true,
          characterData: true,
          subtree: true,
        });
        setTimeout(() => reject(new Error('No new log line in 30 s')), 30_000);
      }),
  );
}

/** The id of the environment this run created and has not seen deleted. */
let createdId: string | undefined;

/**
 * Tears down what a failed run left behind, through the API as the guest,
 * so that its namespace does not outlive the run in the shared cluster.
 */
async function deleteLeftover(request: APIRequestContext) {
  if (!createdId) return;
  const session = await request.get('/api/auth/guest/refresh?env=development', {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  const token = (await session.json()).backstageIdentity.token;
  await request.delete(`/api/environments/environments/${createdId}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  createdId = undefined;
}

test.describe('environments', () => {
  // Fail a step within 30 s rather than at the end of the whole test.
  test.use({ actionTimeout: 30_000 });

  test.afterEach(async ({ request }) => {
    await deleteLeftover(request);
  });

  test('request an environment, follow it to ready, read its logs and events, tear it down', async ({
    page,
  }, testInfo) => {
    test.setTimeout(300_000);
    const consoleErrors = collectConsoleErrors(page);
    await signInAsGuest(page);

    await test.step('open the request form from the component', async () => {
      await openComponentTab(page, 'Environments');
      await expect(
        page.getByRole('heading', {
          name: `Environments of ${component.title}`,
        }),
      ).toBeVisible();
      await page.getByRole('link', { name: 'Request an environment' }).click();
      await expect(
        page.getByRole('heading', { name: 'Request an environment' }),
      ).toBeVisible();
      // Opened from the component, the form has it chosen already.
      await expect(
        page.getByRole('button', {
          name: new RegExp(`${component.title}.*Component`),
        }),
      ).toBeVisible();
    });

    const name = page.getByRole('textbox', { name: 'Name' });
    const cpu = page.getByRole('textbox', { name: 'CPU' });

    await test.step('an invalid name and a cpu above the bound show next to their fields', async () => {
      const preview = page.getByRole('radio', { name: /^preview/ });
      await clickLabelOf(page, preview);
      await expect(preview).toBeChecked();
      await name.fill('Bad_Name');
      await expect(name).toHaveAttribute('aria-invalid', 'true');
      const nameError = page.locator(
        `[id="${(await name.getAttribute('aria-describedby'))
          ?.split(' ')
          .pop()}"]`,
      );
      await expect(nameError).toContainText('Must be a DNS-1123 label');

      await cpu.fill('3');
      await expect(cpu).toHaveAttribute('aria-invalid', 'true');
      await expect(
        page.getByText(
          'Must be at most 2, the cpu bound of type preview (got "3")',
        ),
      ).toBeVisible();
      await screenshot(page, testInfo, 'inline errors');

      // Nothing is sent while the request is invalid.
      await page.getByRole('button', { name: 'Request environment' }).click();
      await expect(page).toHaveURL(/\/environments\/new/);
      await expect(name).toBeFocused();
    });

    let submittedAt = 0;
    await test.step('a valid request is sent', async () => {
      await name.fill(environmentName);
      await cpu.fill('1');
      await page.getByRole('textbox', { name: 'Time to live' }).fill('2h');
      await expect(name).not.toHaveAttribute('aria-invalid');
      await expect(cpu).not.toHaveAttribute('aria-invalid');
      submittedAt = Date.now();
      await page.getByRole('button', { name: 'Request environment' }).click();
      await expect(page).toHaveURL(/\/environments\/[0-9a-f-]{8,}$/);
      createdId = new URL(page.url()).pathname.split('/').pop();
      await expect(
        page.getByRole('heading', {
          name: `${component.name} · ${environmentName}`,
        }),
      ).toBeVisible();
    });

    await test.step('the timeline follows it to ready', async () => {
      await expect(timelineStep(page, 'Requested')).toBeVisible();
      await expect(timelineStep(page, 'Ready')).toHaveAttribute(
        'data-state',
        'done',
        { timeout: 180_000 },
      );
      const readyAfter = Date.now() - submittedAt;
      // The figures the issue asks for, printed with the test's output.
      // eslint-disable-next-line no-console
      console.log(
        `[environments e2e] submit to timeline showing ready: ${(
          readyAfter / 1000
        ).toFixed(1)} s`,
      );
      testInfo.annotations.push({
        type: 'submit-to-ready',
        description: `${readyAfter} ms`,
      });
      // Each step shows the time it was reached.
      for (const step of ['Requested', 'Provisioning', 'Ready']) {
        await expect(timelineStep(page, step).locator('time')).toBeVisible();
      }
      await expect(
        page.getByRole('status').filter({ hasText: 'Status: Ready' }),
      ).toBeVisible();
      await expect(
        page.getByRole('row').filter({ hasText: 'create' }).first(),
      ).toBeVisible();
      await screenshot(page, testInfo, 'timeline ready');
    });

    await test.step('its logs show new lines as they are written', async () => {
      await page.getByRole('tab', { name: 'Logs and events' }).click();
      const log = page.getByRole('log', { name: /^Log of / });
      await expect(log).toContainText('request served', { timeout: 30_000 });
      await expect(page.getByText(/Following: new lines appear/)).toBeVisible();
      const showTimes = page.getByRole('switch', { name: 'Show times' });
      await clickLabelOf(page, showTimes);
      await expect(showTimes).toBeChecked();

      const delay = await delayOfNextLogLine(log);
      // eslint-disable-next-line no-console
      console.log(
        `[environments e2e] log line written to shown in the page: ${delay} ms`,
      );
      testInfo.annotations.push({
        type: 'log-line-delay',
        description: `${delay} ms`,
      });

      await page
        .getByRole('searchbox', { name: 'Filter lines' })
        .fill('/healthz');
      await expect(page.getByText(/\d+ of \d+ lines match/)).toBeVisible();
      await screenshot(page, testInfo, 'logs and events');
      await page.getByRole('searchbox', { name: 'Filter lines' }).fill('');

      await page.getByRole('button', { name: 'Stop following' }).click();
      await expect(page.getByText('Stopped.')).toBeVisible();
      await page.getByRole('button', { name: 'Follow' }).click();
      await expect(page.getByText(/Following: new lines appear/)).toBeVisible();
    });

    await test.step('its events are listed beside the logs', async () => {
      const events = page.getByRole('list', { name: 'Events' });
      await expect(events.getByRole('listitem').first()).toBeVisible({
        timeout: 30_000,
      });
      await expect(page.getByText(/\d+ events, \d+ warnings?/)).toBeVisible();
    });

    await test.step('the list of environments shows it, filtered by component', async () => {
      await page
        .getByTestId('sidebar-root')
        .getByRole('link', { name: 'Environments' })
        .click();
      await page.getByRole('button', { name: /Component$/ }).click();
      await page.getByRole('option', { name: component.name }).click();
      const row = page.getByRole('row').filter({
        has: page.getByRole('rowheader', {
          name: new RegExp(environmentName),
        }),
      });
      await expect(row).toContainText('Ready');
      await expect(page).toHaveURL(
        /component=component%3Adefault%2Fpayments-service/,
      );
      await screenshot(page, testInfo, 'list');
      await row.getByRole('rowheader').click();
      await expect(page).toHaveURL(new RegExp(`/environments/${createdId}$`));
    });

    await test.step('the catalog shows the environment with its status', async () => {
      await page.goto(`/catalog/default/resource/${namespace}`);
      await expect(
        page.getByRole('heading', { name: 'Environment', exact: true }),
      ).toBeVisible({ timeout: 30_000 });
      await expect(page.getByText('Ready', { exact: true })).toBeVisible();
      await expect(
        page.getByRole('link', { name: 'Timeline, logs and events' }),
      ).toBeVisible();
      await screenshot(page, testInfo, 'catalog entity');

      // The component lists it among the resources it depends on, and its
      // relations graph shows it.
      await page.getByRole('link', { name: component.title }).first().click();
      const title = `${component.name} · ${environmentName}`;
      await expect(page.getByRole('link', { name: title })).toBeVisible();
      await expect(page.locator('svg text', { hasText: title })).toBeVisible();
      await screenshot(page, testInfo, 'component relations');
    });

    const card = page.getByRole('region', { name: environmentName });

    await test.step('the component tab shows what runs there, and extends its time to live', async () => {
      await openComponentTab(page, 'Environments');
      await expect(card).toBeVisible();
      await expect(card.getByText('Ready', { exact: true })).toBeVisible();
      await expect(card.getByText(/1 of 1 replica ready/)).toBeVisible();

      // Its Kubernetes view: the pods of this namespace only.
      await card.getByRole('link', { name: 'Kubernetes' }).click();
      await expect(page.getByText('1 pod', { exact: true })).toBeVisible();
      await expect(page.getByText('No pods with errors')).toBeVisible();
      await screenshot(page, testInfo, 'kubernetes view');
      await page.goBack();
      await expect(card).toBeVisible();

      const expiry = card.getByText(/expires /);
      const expiryBefore = await expiry.textContent();

      await card
        .getByRole('button', { name: `Extend ${environmentName}` })
        .click();
      const dialog = page.getByRole('dialog');
      await dialog
        .getByRole('textbox', { name: 'New time to live, from now' })
        .fill('8h');
      await screenshot(page, testInfo, 'extend');
      await dialog.getByRole('button', { name: 'Extend' }).click();
      await expect(dialog).toBeHidden();
      // 2h from the request becomes 8h from now; the card hears of it by signal.
      await expect(expiry).not.toHaveText(expiryBefore ?? '');
    });

    await test.step('tear it down from the component, after confirming', async () => {
      await card
        .getByRole('button', { name: `Tear down ${environmentName}` })
        .click();
      const dialog = page.getByRole('dialog');
      await expect(dialog).toContainText(namespace);
      await screenshot(page, testInfo, 'confirm teardown');
      await dialog.getByRole('button', { name: 'Tear down' }).click();
      await expect(card).toBeHidden({ timeout: 120_000 });
      // Its buttons went with it; the focus waits on the tab's heading.
      await expect(
        page.getByRole('heading', {
          name: `Environments of ${component.title}`,
        }),
      ).toBeFocused();
      createdId = undefined;
      await screenshot(page, testInfo, 'torn down');
    });

    expect(consoleErrors).toEqual([]);
  });

  test('request and tear down an environment with the keyboard alone', async ({
    page,
  }, testInfo) => {
    test.setTimeout(240_000);
    const consoleErrors = collectConsoleErrors(page);
    const keyboardName = `${environmentName}-kb`;
    await signInAsGuest(page);
    await page.goto('/environments/new');
    await expect(
      page.getByRole('heading', { name: 'Request an environment' }),
    ).toBeVisible();
    const press = (key: string) => page.keyboard.press(key);

    await test.step('pick the component and the type', async () => {
      // Only the starting point is set directly; from there on, keys alone.
      const picker = page.getByRole('button', { name: /Component/ });
      await picker.focus();
      await press('Enter');
      await expect(
        page.getByRole('searchbox', { name: 'Search components' }),
      ).toBeFocused();
      await page.keyboard.type(component.title);
      await press('ArrowDown');
      await press('Enter');
      await expect(picker).toContainText(component.title);
      // Focus goes back to the picker once its list has closed.
      await expect(picker).toBeFocused();
      await press('Tab');
      await expect(
        page.getByRole('radio', { name: /^development/ }),
      ).toBeFocused();
      await press('ArrowDown');
      await expect(page.getByRole('radio', { name: /^preview/ })).toBeChecked();
    });

    const name = page.getByRole('textbox', { name: 'Name' });
    await test.step('an invalid name: Enter keeps the form, focuses the field and announces why', async () => {
      await press('Tab');
      await expect(name).toBeFocused();
      await page.keyboard.type('Bad_Name');
      await press('Enter');
      await expect(page).toHaveURL(/\/environments\/new/);
      await expect(name).toBeFocused();
      await expect(name).toHaveAttribute('aria-invalid', 'true');
      // The error is tied to the field, so screen readers read it with it.
      const describedBy = (await name.getAttribute('aria-describedby')) ?? '';
      const described = await Promise.all(
        describedBy
          .split(' ')
          .map(id => page.locator(`[id="${id}"]`).textContent()),
      );
      expect(described.join(' ')).toContain('Must be a DNS-1123 label');
      await expect(
        page.getByRole('status').filter({ hasText: 'Name needs attention' }),
      ).toBeAttached();
      await screenshot(page, testInfo, 'keyboard inline error');
    });

    await test.step('fix it and send with Enter', async () => {
      await press('ControlOrMeta+a');
      await page.keyboard.type(keyboardName);
      await expect(name).not.toHaveAttribute('aria-invalid');
      await press('Enter');
      await expect(page).toHaveURL(/\/environments\/[0-9a-f-]{8,}$/);
      createdId = new URL(page.url()).pathname.split('/').pop();
      await expect(timelineStep(page, 'Ready')).toHaveAttribute(
        'data-state',
        'done',
        { timeout: 120_000 },
      );
    });

    await test.step('tear it down from the keyboard, after confirming', async () => {
      const tearDown = page.getByRole('button', {
        name: `Tear down ${keyboardName}`,
      });
      // Tab from the page heading to the action.
      await page
        .getByRole('heading', { name: `${component.name} · ${keyboardName}` })
        .click();
      for (let i = 0; i < 10; i++) {
        await press('Tab');
        if (await tearDown.evaluate(e => e === document.activeElement)) break;
      }
      await expect(tearDown).toBeFocused();
      await press('Enter');
      const dialog = page.getByRole('dialog');
      await expect(dialog).toBeVisible();
      // The dialog holds the focus.
      await expect
        .poll(() => dialog.evaluate(e => e.contains(document.activeElement)))
        .toBe(true);
      await screenshot(page, testInfo, 'keyboard confirm teardown');
      const confirm = dialog.getByRole('button', { name: 'Tear down' });
      for (let i = 0; i < 5; i++) {
        if (await confirm.evaluate(e => e === document.activeElement)) break;
        await press('Tab');
      }
      await expect(confirm).toBeFocused();
      await press('Enter');
      await expect(dialog).toBeHidden();
      await expect(
        page
          .getByRole('status')
          .filter({ hasText: /Status: (Deleting|Deleted)/ }),
      ).toBeVisible({ timeout: 60_000 });
      // The action is gone; the focus moved to the status it changed.
      await expect(
        page.getByRole('status').filter({ hasText: /^Status: / }),
      ).toBeFocused();
      createdId = undefined;
    });

    expect(consoleErrors).toEqual([]);
  });
});
