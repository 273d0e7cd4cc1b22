import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import { PolicyMessages } from './PolicyMessages';

const registry = {
  rule: 'deployments.allowed_registries',
  message:
    'image evil.example.com/orders:1 is not from an allowed registry (allowed: registry.local, ghcr.io/acme)',
};
const digest = {
  rule: 'deployments.digest_recommended_for_production',
  message: 'image ghcr.io/acme/orders:1 has no digest; pin one for production',
};

describe('PolicyMessages', () => {
  it('announces denials as an alert and warnings as a status, each message with its rule', async () => {
    await renderInTestApp(
      <PolicyMessages
        when="before"
        subject="deployment"
        deny={[registry]}
        warn={[digest]}
      />,
    );

    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent(
      "The platform's policies would deny this deployment (a rule)",
    );
    expect(within(alert).getByText(registry.message)).toBeInTheDocument();
    expect(within(alert).getByText(registry.rule)).toBeInTheDocument();
    expect(within(alert).queryByText(digest.message)).not.toBeInTheDocument();

    const status = screen.getByRole('status');
    expect(status).toHaveTextContent(
      "The platform's policies warn about this deployment",
    );
    expect(within(status).getByText(digest.message)).toBeInTheDocument();
    expect(within(status).getByText(digest.rule)).toBeInTheDocument();
  });

  it('says what happened after a submit', async () => {
    await renderInTestApp(
      <PolicyMessages
        when="after"
        subject="request"
        deny={[registry, { ...registry, message: 'another image' }]}
      />,
    );

    expect(screen.getByRole('alert')).toHaveTextContent(
      "The request was denied by the platform's policies (2 rules)",
    );
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it('shows nothing when the policies have nothing to say', async () => {
    await renderInTestApp(
      <div data-testid="host">
        <PolicyMessages when="after" subject="deployment" warn={[]} />
      </div>,
    );

    expect(screen.getByTestId('host')).toBeEmptyDOMElement();
  });
});
