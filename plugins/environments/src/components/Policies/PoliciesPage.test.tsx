import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { environmentsApiRef } from '../../api';
import { mockEnvironmentsApi } from '../../__testUtils__';
import { rootRouteRef } from '../../routes';
import { DECISIONS_PAGE, PoliciesPage } from './PoliciesPage';

const rules = {
  mode: 'embedded' as const,
  revision: 'sha256:4f2a',
  items: [
    {
      rule: 'deployments.allowed_registries',
      title: 'Images only from allowed registries',
      description: 'A deployment image must come from an allowed registry.',
      severity: 'deny' as const,
    },
    {
      rule: 'deployments.digest_recommended_for_production',
      title: 'Digests for production',
      severity: 'warn' as const,
    },
  ],
};

const decision = (id: number) => ({
  id,
  at: '2026-12-04T15:30:00.000Z',
  action: 'deployment.deploy' as const,
  actor: 'user:default/jane.doe',
  environmentId: 'e1',
  environmentName: 'staging',
  componentRef: 'component:default/orders-service',
  outcome: 'deny' as const,
  revision: 'sha256:4f2a',
  deny: [
    {
      rule: 'deployments.allowed_registries',
      message:
        'image evil.example.com/orders:1 is not from an allowed registry',
    },
  ],
  warn: [],
});

function renderPage(decisions = [decision(1)]) {
  const listPolicyDecisions = jest.fn(
    async ({ limit }: { limit?: number }) => ({
      items: decisions.slice(0, limit),
    }),
  );
  const api = mockEnvironmentsApi({
    listPolicyRules: jest.fn(async () => rules),
    listPolicyDecisions: listPolicyDecisions as any,
  });
  renderInTestApp(
    <TestApiProvider apis={[[environmentsApiRef, api]]}>
      <PoliciesPage />
    </TestApiProvider>,
    { mountedRoutes: { '/environments': rootRouteRef } },
  );
  return { listPolicyDecisions };
}

// Tables of many rows render slowly on the shared test machine.
jest.setTimeout(30_000);

describe('PoliciesPage', () => {
  it('lists the active rules with their revision, and the newest decisions', async () => {
    renderPage();

    expect(
      await screen.findByText('Images only from allowed registries'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'A deployment image must come from an allowed registry.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Digests for production')).toBeInTheDocument();
    expect(screen.getByText('Warns')).toBeInTheDocument();
    expect(
      screen.getByText(
        /evaluated in the backend \(embedded\); bundle revision sha256:4f2a/,
      ),
    ).toBeInTheDocument();

    const row = (await screen.findByText('orders-service · staging')).closest(
      '[role="row"]',
    ) as HTMLElement;
    expect(within(row).getByText('jane.doe')).toBeInTheDocument();
    expect(within(row).getByText('deployment.deploy')).toBeInTheDocument();
    expect(within(row).getByText('deny')).toBeInTheDocument();
    expect(
      within(row).getByText('deployments.allowed_registries'),
    ).toBeInTheDocument();
    expect(
      within(row).getByRole('link', { name: 'orders-service · staging' }),
    ).toHaveAttribute('href', '/environments/e1');
  });

  it('shows a bounded list of decisions, and more on request', async () => {
    const many = Array.from({ length: DECISIONS_PAGE + 5 }, (_, i) =>
      decision(i + 1),
    );
    const { listPolicyDecisions } = renderPage(many);

    await userEvent.click(
      await screen.findByRole(
        'button',
        { name: 'Show more' },
        { timeout: 10_000 },
      ),
    );

    expect(listPolicyDecisions).toHaveBeenLastCalledWith({
      limit: DECISIONS_PAGE * 2,
    });
    await waitFor(
      () =>
        expect(screen.getAllByText('orders-service · staging')).toHaveLength(
          DECISIONS_PAGE + 5,
        ),
      { timeout: 10_000 },
    );
    expect(
      screen.queryByRole('button', { name: 'Show more' }),
    ).not.toBeInTheDocument();
  });
});
