import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  DeploymentConfig,
  DeploymentDiff,
  diffConfigs,
  formatConfigChanges,
} from '@internal/backstage-plugin-environments-common';
import { screen, within } from '@testing-library/react';
import { DeploymentDiffView } from './DeploymentDiffView';

const base: DeploymentConfig = {
  image: 'registry.local/orders-service:1.0.0',
  port: 8080,
  replicas: 1,
  env: { LOG_LEVEL: 'info', OLD_FLAG: 'on' },
  secretRefs: { DB_PASSWORD: 'orders-db-v1' },
  resources: { cpu: '250m', memory: '256Mi' },
};

/** A diff as the API computes it, from two configurations. */
function diffOf(
  from: DeploymentConfig,
  to: Partial<DeploymentConfig>,
): DeploymentDiff {
  const changes = diffConfigs(from, { ...from, ...to });
  return {
    from: 'd1',
    to: 'd2',
    changes,
    text: formatConfigChanges(changes),
  };
}

/** The two sides of the diff's row for one value. */
function sides(label: string) {
  const row = screen.getByRole('rowheader', { name: label }).closest('tr')!;
  return within(row)
    .getAllByRole('cell')
    .map(cell => cell.textContent);
}

// The first render loads @backstage/ui, which takes seconds on a busy machine.
jest.setTimeout(30_000);

describe('DeploymentDiffView', () => {
  it('shows image, replicas, configuration values and resources side by side, under their headings', async () => {
    await renderInTestApp(
      <DeploymentDiffView
        diff={diffOf(base, {
          image: 'registry.local/orders-service:2.0.0',
          replicas: 3,
          env: { LOG_LEVEL: 'debug', NEW_FLAG: 'yes' },
          resources: { cpu: '500m', memory: '256Mi' },
        })}
        fromLabel="1.0.0 (#1)"
        toLabel="2.0.0 (#2)"
      />,
    );
    const [head] = screen.getAllByRole('rowgroup');
    expect(
      within(head)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual(['Value', '1.0.0 (#1)', '2.0.0 (#2)']);
    expect(sides('Image')).toEqual([
      'registry.local/orders-service:1.0.0',
      'registry.local/orders-service:2.0.0',
    ]);
    expect(sides('Replicas')).toEqual(['1', '3']);
    expect(sides('LOG_LEVEL')).toEqual(['info', 'debug']);
    expect(sides('NEW_FLAG')).toEqual(['not set', 'yes']);
    expect(sides('OLD_FLAG')).toEqual(['on', 'not set']);
    expect(sides('cpu')).toEqual(['250m', '500m']);
    // What did not change is not listed.
    expect(
      screen.queryByRole('rowheader', { name: 'memory' }),
    ).not.toBeInTheDocument();
    expect(screen.getAllByRole('columnheader').map(h => h.textContent)).toEqual(
      expect.arrayContaining([
        'Image',
        'Replicas',
        'Configuration values',
        'Resources',
      ]),
    );
  });

  it('says only that a secret reference was added, changed or removed', async () => {
    await renderInTestApp(
      <DeploymentDiffView
        diff={diffOf(
          { ...base, secretRefs: { DB_PASSWORD: 'orders-db-v1', OLD: 'x1' } },
          { secretRefs: { DB_PASSWORD: 'orders-db-v2', API_KEY: 'k1' } },
        )}
      />,
    );
    expect(sides('DB_PASSWORD')).toEqual([
      'reference set',
      'reference changed',
    ]);
    expect(sides('API_KEY')).toEqual(['not set', 'reference added']);
    expect(sides('OLD')).toEqual(['reference set', 'not set']);
    const table = screen.getByRole('table');
    expect(table).not.toHaveTextContent(/orders-db|x1|k1/);
  });

  it('says when two deployments roll out the same configuration', async () => {
    await renderInTestApp(<DeploymentDiffView diff={diffOf(base, {})} />);
    expect(
      screen.getByText(
        'No changes: both deployments roll out the same configuration.',
      ),
    ).toBeInTheDocument();
  });
});
