import { renderInTestApp } from '@backstage/frontend-test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { Environment } from '@internal/backstage-plugin-environments-common';
import { FakeEnvironmentsApi } from '@internal/backstage-plugin-environments-common/testUtils';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { environmentsApiRef } from '../../api';
import { FakeSignalApi, mockEnvironmentsApi } from '../../__testUtils__';
import { DeploymentHistory } from './DeploymentHistory';

const image = (tag: string) => `registry.local/orders-service:${tag}`;

/**
 * The history on the in-memory environments API of environments-common,
 * which records deployments, rollbacks and pins as the backend does.
 */
async function renderHistory(
  setUp?: (
    fake: FakeEnvironmentsApi,
    environment: Environment,
  ) => Promise<void>,
) {
  const fake = new FakeEnvironmentsApi();
  const environment = fake.add({
    name: 'development',
    type: 'development',
    status: 'ready',
  });
  await setUp?.(fake, environment);
  const signals = new FakeSignalApi();
  const api = mockEnvironmentsApi({
    listDeployments: (id, page) => fake.listDeployments(id, page),
    getDeployment: id => fake.getDeployment(id),
    diffDeployments: (from, to) => fake.diffDeployments(from, to),
    getWhatRunsWhere: ref => fake.getWhatRunsWhere(ref),
    rollback: jest.fn((id, request) => fake.rollback(id, request)),
  });
  await renderInTestApp(<DeploymentHistory environment={environment} />, {
    apis: [
      [environmentsApiRef, api],
      [signalApiRef, signals],
    ],
  });
  const table = await screen.findByRole(
    'table',
    { name: 'Deployments of development' },
    { timeout: 5000 },
  );
  // The pin is read beside the list; let that answer land inside the test.
  await act(() => new Promise(resolve => setTimeout(resolve, 0)));
  /** Signals a change of one deployment, as the backend does for each. */
  const signal = (deploymentId: string) =>
    signals.publish('environments', {
      id: environment.id,
      status: 'ready',
      deployment: {
        id: deploymentId,
        state: fake.deployments.get(deploymentId)!.state,
      },
    });
  return { fake, environment, table, signal, api };
}

/** The history's row of the deployment with this number. */
const rowOf = (sequence: number) =>
  screen
    .getAllByRole('row')
    .find(row =>
      within(row)
        .queryByRole('rowheader')
        ?.textContent?.endsWith(`#${sequence}`),
    )!;

// Dialogs and typing through user-event take seconds on a busy machine.
jest.setTimeout(30_000);

// No pause between keystrokes: typing a reason is not what is tested.
const user = userEvent.setup({ delay: null });

describe('DeploymentHistory', () => {
  it('lists every deployment newest first: version, message, source, commit, who, when, outcome', async () => {
    const { table } = await renderHistory(async (fake, environment) => {
      await fake.deploy(environment.id, {
        image: image('1.0.0'),
        message: 'First release',
        source: 'ui',
      });
      await fake.deploy(environment.id, {
        image: image('1.1.0'),
        source: 'ci',
        commit: { sha: 'abcdef1234567', url: 'https://git.local/c/abcdef1' },
      });
    });

    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      rows.map(row => within(row).getByRole('rowheader').textContent),
    ).toEqual(['1.1.0#2', '1.0.0#1']);
    const newest = within(rows[0]);
    expect(newest.getByText('Deployed 1.1.0')).toBeInTheDocument();
    expect(newest.getByText('CI')).toBeInTheDocument();
    expect(
      newest.getByRole('link', { name: 'Commit abcdef1' }),
    ).toHaveAttribute('href', 'https://git.local/c/abcdef1');
    expect(newest.getByText('mock')).toBeInTheDocument();
    expect(newest.getByText('Succeeded')).toBeInTheDocument();
    const oldest = within(rows[1]);
    expect(oldest.getByText('First release')).toBeInTheDocument();
    expect(oldest.getByText('Portal')).toBeInTheDocument();
    expect(oldest.getByText('Superseded')).toBeInTheDocument();
    // Only what succeeded and no longer runs can be rolled back to.
    expect(
      oldest.getByRole('button', { name: 'Roll back to 1.0.0 (#1)' }),
    ).toBeInTheDocument();
    expect(
      newest.queryByRole('button', { name: /Roll back/ }),
    ).not.toBeInTheDocument();
  });

  it('shows a new deployment and a changed outcome once the signal says so', async () => {
    const { fake, environment, table, signal } = await renderHistory(
      async (f, e) => {
        await f.deploy(e.id, { image: image('1.0.0') });
      },
    );
    expect(within(table).getAllByRole('row')).toHaveLength(2);

    fake.rolloutOutcome = 'rolling-out';
    const second = await fake.deploy(environment.id, { image: image('2.0.0') });
    signal(second.id);
    expect(await within(table).findByText('Rolling out')).toBeInTheDocument();

    const stored = fake.deployments.get(second.id)!;
    stored.state = 'failed';
    stored.reason = 'ImagePullBackOff: the image does not exist';
    stored.updatedAt = '2026-11-21T09:05:00.000Z';
    signal(second.id);
    expect(
      await within(table).findByText(
        'ImagePullBackOff: the image does not exist',
      ),
    ).toBeInTheDocument();
    expect(within(rowOf(2)).getByText('Failed')).toBeInTheDocument();
  });

  it('pages through a long history with the API cursor', async () => {
    await renderHistory(async (fake, environment) => {
      for (let n = 1; n <= 23; n++) {
        await fake.deploy(environment.id, { image: image(`1.0.${n}`) });
      }
    });
    expect(screen.getAllByRole('row')).toHaveLength(21);
    expect(screen.queryByText('1.0.3')).not.toBeInTheDocument();

    await user.click(
      screen.getByRole('button', { name: 'Show older deployments' }),
    );
    await waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(24));
    expect(screen.getByText('1.0.1')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Show older deployments' }),
    ).not.toBeInTheDocument();
  });

  it('shows any two picked deployments side by side, older on the left, secret values never', async () => {
    await renderHistory(async (fake, environment) => {
      await fake.deploy(environment.id, {
        image: image('1.0.0'),
        env: { LOG_LEVEL: 'info' },
        secretRefs: { DB_PASSWORD: 'db-password-old' },
      });
      await fake.deploy(environment.id, { replicas: 2 });
      await fake.deploy(environment.id, {
        image: image('2.0.0'),
        env: { LOG_LEVEL: 'debug' },
        secretRefs: { DB_PASSWORD: 'db-password-new' },
      });
    });

    // Newest picked first: the diff still reads from the older one.
    await user.click(
      screen.getByRole('checkbox', { name: 'Compare 2.0.0 (#3)' }),
    );
    expect(
      screen.getByText('Pick one more deployment to compare.'),
    ).toBeInTheDocument();
    await user.click(
      screen.getByRole('checkbox', { name: 'Compare 1.0.0 (#1)' }),
    );

    const diff = await screen.findByRole('table', {
      name: 'Changes between the two deployments',
    });
    const [head] = within(diff).getAllByRole('rowgroup');
    expect(
      within(head)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual(['Value', '1.0.0 (#1)', '2.0.0 (#3)']);
    const cells = (label: string) =>
      within(
        within(diff).getByRole('rowheader', { name: label }).closest('tr')!,
      )
        .getAllByRole('cell')
        .map(cell => cell.textContent);
    expect(cells('Image')).toEqual([image('1.0.0'), image('2.0.0')]);
    expect(cells('Replicas')).toEqual(['1', '2']);
    expect(cells('LOG_LEVEL')).toEqual(['info', 'debug']);
    expect(cells('DB_PASSWORD')).toEqual([
      'reference set',
      'reference changed',
    ]);
    expect(diff).not.toHaveTextContent(/db-password/);

    // A third pick lets go of the first.
    await user.click(
      screen.getByRole('checkbox', { name: 'Compare 1.0.0 (#2)' }),
    );
    expect(
      screen.getByRole('checkbox', { name: 'Compare 2.0.0 (#3)' }),
    ).not.toBeChecked();
    expect(
      await screen.findByRole('heading', {
        name: 'Changes from 1.0.0 (#1) to 1.0.0 (#2)',
      }),
    ).toBeInTheDocument();
  });

  it('refuses a rollback without a reason, then rolls back and shows the pin', async () => {
    const { api, signal, fake } = await renderHistory(async (f, e) => {
      await f.deploy(e.id, { image: image('1.0.0') });
      await f.deploy(e.id, { image: image('2.0.0') });
    });

    await user.click(
      screen.getByRole('button', { name: 'Roll back to 1.0.0 (#1)' }),
    );
    const dialog = await screen.findByRole('dialog');
    const reason = within(dialog).getByRole('textbox', { name: /Reason/ });
    await user.type(reason, '   ');
    await user.click(within(dialog).getByRole('button', { name: 'Roll back' }));
    expect(api.rollback).not.toHaveBeenCalled();
    expect(reason).toHaveAttribute('aria-invalid', 'true');
    expect(
      within(dialog).getByText('The reason must not be empty'),
    ).toBeInTheDocument();
    expect(reason).toHaveFocus();

    await user.type(reason, 'v2 answers 500 on checkout');
    await user.click(within(dialog).getByRole('button', { name: 'Roll back' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.rollback).toHaveBeenCalledWith('env-1', {
      deploymentId: 'deployment-1',
      reason: 'v2 answers 500 on checkout',
      source: 'ui',
    });

    const rollback = [...fake.deployments.values()].find(
      d => d.kind === 'rollback',
    )!;
    signal(rollback.id);
    signal('deployment-2');
    expect(
      await screen.findByText(
        'Pinned after a rollback: v2 answers 500 on checkout',
      ),
    ).toBeInTheDocument();
    expect(within(rowOf(2)).getByText('Rolled back')).toBeInTheDocument();
    expect(
      within(rowOf(3)).getByText('Rollback to 1.0.0 (#1)'),
    ).toBeInTheDocument();
  });

  it('shows the API words when it refuses a rollback', async () => {
    const { fake } = await renderHistory(async (f, e) => {
      await f.deploy(e.id, { image: image('1.0.0') });
      await f.deploy(e.id, { image: image('2.0.0') });
    });
    fake.environments.get('env-1')!.status = 'deleting';

    await user.click(
      screen.getByRole('button', { name: 'Roll back to 1.0.0 (#1)' }),
    );
    const dialog = await screen.findByRole('dialog');
    await user.type(
      within(dialog).getByRole('textbox', { name: /Reason/ }),
      'broken{Enter}',
    );
    expect(
      await within(dialog).findByText(
        "Environment 'env-1' is deleting: nothing can be deployed to it",
      ),
    ).toBeInTheDocument();
  });
});
