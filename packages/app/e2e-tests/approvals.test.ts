import { Browser, expect, Page, test, TestInfo } from '@playwright/test';
import {
  Deployment,
  Environment,
  EnvironmentsClient,
  policyDenialOf,
} from '@internal/backstage-plugin-environments-common';
import {
  backstageToken,
  collectConsoleErrors,
  firstSignInProbe,
  refusedRequest,
  screenshot,
  signInAs,
} from './helpers';

/*
 * Four eyes on production: two people of the seed organization, both in the
 * platform team (the production type's approvers, app-config.yaml), sign in
 * through OpenID Connect (the local issuer, app-config.oidc.yaml). The first
 * asks for a production deployment and cannot approve it; the second approves
 * it on the Approvals page, and it rolls out. The component's catalog lifecycle
 * is production: the platform's policies (environments.type_allowed_for_lifecycle)
 * give an experimental one no production environment, which the last test shows.
 */
const requester = { login: 'alice.nguyen', name: 'Alice Nguyen' };
const approver = { login: 'bob.martin', name: 'Bob Martin' };
// Payments Service: payments-team's, lifecycle production, and no other
// browser test uses it.
const componentRef = 'component:default/payments-service';
/** Names no earlier run used: environment names are unique per component. */
const stamp = Date.now().toString(36);
const environmentName = `e2e-prod-${stamp}`;
const version = `1.0.${parseInt(stamp.slice(-4), 36)}`;
const subject = `payments-service ${version} in ${environmentName}`;

type Person = { page: Page; token: string; consoleErrors: string[] };

async function signedIn(
  browser: Browser,
  login: string,
  baseURL: string | undefined,
): Promise<Person> {
  // A browser context each: two people, two sessions.
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  // The requester's own approval is refused on purpose (403), nothing else.
  const selfApproval = refusedRequest(
    403,
    /^\/api\/environments\/deployments\/[^/]+\/approve$/,
  );
  const consoleErrors = collectConsoleErrors(
    page,
    message => firstSignInProbe(message) || selfApproval(message),
  );
  await signInAs(page, login);
  return { page, token: await backstageToken(page), consoleErrors };
}

/** The environments API as the browser's user: the contract's own client. */
function environmentsApi(baseURL: string) {
  return new EnvironmentsClient({
    discoveryApi: { getBaseUrl: async () => `${baseURL}/api/environments` },
  });
}

/** The status code a refused call got from the backend (the client's ResponseError). */
async function refusal(call: Promise<unknown>): Promise<number> {
  try {
    await call;
  } catch (e) {
    const status = (e as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number') return status;
    throw e;
  }
  throw new Error('the backend accepted it');
}

const deploymentCard = (page: Page) =>
  page.getByRole('region', { name: subject });

test.describe('Approvals', () => {
  let alice: Person;
  let bob: Person;
  let environment: Environment;
  let api: EnvironmentsClient;

  test.beforeAll(async ({ browser, baseURL }) => {
    test.setTimeout(240_000);
    api = environmentsApi(baseURL!);
    alice = await signedIn(browser, requester.login, baseURL);
    bob = await signedIn(browser, approver.login, baseURL);

    // A production environment: its type gates new environments too, so the
    // second person approves it before anything can be deployed to it.
    environment = await api.createEnvironment(
      { componentRef, type: 'production', name: environmentName },
      { token: alice.token },
    );
    await api.approveEnvironment(
      environment.id,
      { comment: 'Set up for the approvals browser test' },
      { token: bob.token },
    );
    await expect
      .poll(
        async () =>
          (
            await api.getEnvironment(environment.id, { token: alice.token })
          ).status,
        { timeout: 180_000, intervals: [1_000] },
      )
      .toBe('ready');
  });

  test.afterAll(async () => {
    if (environment) {
      await api.deleteEnvironment(environment.id, { token: alice.token });
    }
    await alice?.page.context().close();
    await bob?.page.context().close();
  });

  test('one person asks for a production deployment, another approves it', async ({}, testInfo: TestInfo) => {
    test.setTimeout(240_000);
    const deployment: Deployment = await api.deploy(
      environment.id,
      {
        // Nothing runs in a new environment and the component names no image:
        // the first deployment gives the whole reference.
        image: `registry.local/payments-service:${version}`,
        message: `Release ${version}`,
        source: 'api',
      },
      { token: alice.token },
    );
    expect(deployment.state).toBe('pending-approval');
    expect(deployment.createdBy).toBe(`user:default/${requester.login}`);

    // The requester cannot approve their own deployment: the backend says 403,
    // and the Approvals page shows its refusal.
    expect(
      await refusal(
        api.approveDeployment(
          deployment.id,
          { comment: 'Approving my own' },
          { token: alice.token },
        ),
      ),
    ).toBe(403);
    await alice.page.goto('/approvals');
    const own = deploymentCard(alice.page);
    await expect(
      own.getByText(/Waiting for approval by platform-team/),
    ).toBeVisible();
    await own.getByLabel('Comment').fill('Approving my own');
    await own.getByRole('button', { name: `Approve ${subject}` }).click();
    await expect(own.getByRole('alert')).toContainText('Not approved');
    await expect(own.getByRole('alert')).toContainText(
      'You cannot approve your own deployment',
    );
    await screenshot(alice.page, testInfo, 'requester refused');

    // The second person finds it on their Approvals page, with the requester,
    // and approves it with a comment.
    await bob.page.goto('/approvals');
    const pending = deploymentCard(bob.page);
    await expect(pending).toContainText(requester.login);
    await screenshot(bob.page, testInfo, 'waiting for approval');
    await pending.getByLabel('Comment').fill('Four eyes: looks good');
    await pending.getByRole('button', { name: `Approve ${subject}` }).click();
    await expect(bob.page.getByRole('status')).toContainText(
      `You approved ${subject}.`,
    );
    await screenshot(bob.page, testInfo, 'approved');

    // The requester sees the outcome live, on the page they left open.
    await expect(own).toContainText(
      new RegExp(`Approved by\\s*${approver.login.replace('.', '\\.')}`),
    );
    await expect(own).toContainText('Four eyes: looks good');

    // It rolls out.
    await expect
      .poll(
        async () =>
          (
            await api.getDeployment(deployment.id, { token: alice.token })
          ).state,
        { timeout: 180_000, intervals: [1_000] },
      )
      .toBe('succeeded');
    const decided = await api.getDeployment(deployment.id, {
      token: alice.token,
    });
    expect(decided.approval?.decision).toMatchObject({
      outcome: 'approved',
      by: `user:default/${approver.login}`,
      comment: 'Four eyes: looks good',
    });

    // No browser console errors but the ones this test provokes.
    expect(alice.consoleErrors).toEqual([]);
    expect(bob.consoleErrors).toEqual([]);
  });

  test("an experimental component gets no production environment: the policy's own message", async () => {
    // The bundle ./platform test builds from policies/, evaluated by the real
    // backend: its refusal reaches the client whole, rule and message.
    const refused = await api
      .createEnvironment(
        {
          componentRef: 'component:default/fraud-detector',
          type: 'production',
          name: `e2e-refused-${stamp}`,
        },
        { token: alice.token },
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(refused).toMatchObject({ statusCode: 403 });
    expect(policyDenialOf(refused)).toMatchObject({
      action: 'environment.request',
      violations: [
        {
          rule: 'environments.type_allowed_for_lifecycle',
          message:
            'environment.type production is not allowed for component:default/fraud-detector, whose lifecycle is experimental (allowed: development, preview)',
        },
      ],
    });
    // Nothing was stored.
    const { items } = await api.listEnvironments(
      { componentRef: 'component:default/fraud-detector' },
      { token: alice.token },
    );
    expect(items.map(e => e.name)).not.toContain(`e2e-refused-${stamp}`);
  });
});
