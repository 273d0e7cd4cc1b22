import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  DeployRequest,
  PolicyEvaluation,
} from '@internal/backstage-plugin-environments-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { responseError } from '../../__testUtils__';
import { types } from '../../__testUtils__/fixtures';
import { DeployForm } from './DeployForm';
import { aDeployment, configuration } from './testData';

const development = types.find(type => type.name === 'development')!;

const registry = {
  rule: 'deployments.allowed_registries',
  message:
    'image evil.example.com/orders:1.4.2 is not from an allowed registry (allowed: registry.local, ghcr.io/acme)',
};
const latest = {
  rule: 'deployments.no_latest_outside_development',
  message: 'tag latest is only allowed in development and preview',
};

/** The policies of the tests: images only from ghcr.io/acme, a warning on `latest`. */
const evaluate = jest.fn(
  async (request: DeployRequest): Promise<PolicyEvaluation> => {
    const denied = request.image?.startsWith('evil.example.com');
    const warned = request.tag === 'latest';
    if (!denied && !warned) {
      return { outcome: 'allow', revision: 'r1', deny: [], warn: [] };
    }
    return {
      outcome: denied ? 'deny' : 'warn',
      revision: 'r1',
      deny: denied ? [registry] : [],
      warn: warned ? [latest] : [],
    };
  },
);

function renderForm(onSubmit = jest.fn(async () => aDeployment())) {
  renderInTestApp(
    <DeployForm
      environmentName="development"
      configuration={configuration}
      type={development}
      versions={[]}
      onSubmit={onSubmit}
      onDeployed={jest.fn()}
      onEvaluatePolicy={evaluate}
    />,
  );
  return { onSubmit };
}

// The machine the tests run on is shared: typing into React Aria's fields is slow there.
jest.setTimeout(30_000);

describe('DeployForm and the policies', () => {
  beforeEach(() => evaluate.mockClear());

  it('shows what the policies would deny before Deploy, and disables it saying why', async () => {
    const { onSubmit } = renderForm();
    const image = await screen.findByRole('textbox', { name: 'Image' });

    await userEvent.clear(image);
    await userEvent.type(image, 'evil.example.com/orders');

    const alert = await screen.findByRole('alert', {}, { timeout: 3000 });
    expect(alert).toHaveTextContent(
      "The platform's policies would deny this deployment",
    );
    expect(within(alert).getByText(registry.message)).toBeInTheDocument();
    expect(within(alert).getByText(registry.rule)).toBeInTheDocument();
    const deploy = screen.getByRole('button', { name: 'Deploy' });
    await waitFor(() => expect(deploy).toBeDisabled());
    expect(deploy).toHaveAccessibleDescription(
      /Deploying is not possible: the platform's policies deny it/,
    );
    // Debounced: a dry run for the typed image, not one per keystroke (on a
    // busy machine a pause between two keys can outlast the 400 ms), of what
    // Deploy would send.
    expect(evaluate.mock.calls.length).toBeLessThanOrEqual(3);
    expect(evaluate).toHaveBeenLastCalledWith({
      source: 'ui',
      image: 'evil.example.com/orders:1.4.2',
    });

    await userEvent.clear(image);
    await userEvent.type(image, 'ghcr.io/acme/orders');
    await waitFor(() =>
      expect(screen.queryByRole('alert')).not.toBeInTheDocument(),
    );
    expect(deploy).toBeEnabled();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('shows warnings without blocking Deploy', async () => {
    const { onSubmit } = renderForm();
    const tag = await screen.findByRole('textbox', { name: 'Tag' });

    await userEvent.clear(tag);
    await userEvent.type(tag, 'latest');

    const status = await screen.findByText(
      "The platform's policies warn about this deployment",
      {},
      { timeout: 3000 },
    );
    expect(status.closest('[role="status"]')).toHaveTextContent(latest.message);
    await userEvent.click(screen.getByRole('button', { name: 'Deploy' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalled());
  });

  it("lists every rule of a 403 denial after Deploy, not the error's one-line message", async () => {
    const other = {
      rule: 'deployments.change_freeze',
      message: 'production is frozen from Friday 15:00 until Monday 00:00',
    };
    const failure = await responseError(403, {
      name: 'PolicyDeniedError',
      message: 'Refused by policy: ...',
      action: 'deployment.deploy',
      revision: 'r1',
      violations: [registry, other],
      warnings: [latest],
    });
    // The dry run allowed it (the freeze began meanwhile); the backend decides.
    renderForm(jest.fn().mockRejectedValue(failure));
    const tag = await screen.findByRole('textbox', { name: 'Tag' });
    await userEvent.clear(tag);
    await userEvent.type(tag, '1.6.0');

    await userEvent.click(screen.getByRole('button', { name: 'Deploy' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      "The deployment was denied by the platform's policies (2 rules)",
    );
    expect(within(alert).getByText(registry.message)).toBeInTheDocument();
    expect(within(alert).getByText(other.message)).toBeInTheDocument();
    expect(screen.getByText(latest.message)).toBeInTheDocument();
    expect(
      screen.queryByText('The deployment was not accepted'),
    ).not.toBeInTheDocument();
  });
});
