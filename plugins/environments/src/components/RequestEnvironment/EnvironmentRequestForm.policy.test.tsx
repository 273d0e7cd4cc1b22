import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { types } from '../../__testUtils__/fixtures';
import { EnvironmentRequestForm } from './EnvironmentRequestForm';

const limit = {
  rule: 'environments.preview_limit_per_team',
  message:
    'group:default/storefront-team already has 5 preview environments, the most a team may have; delete one first',
};

// The machine the tests run on is shared: typing into React Aria's fields is slow there.
jest.setTimeout(30_000);

describe('EnvironmentRequestForm and the policies', () => {
  it('asks the policies about the request once it is valid, and blocks a denied one', async () => {
    const evaluate = jest.fn(async () => ({
      outcome: 'deny' as const,
      deny: [limit],
      warn: [],
    }));
    const onSubmit = jest.fn();
    renderInTestApp(
      <EnvironmentRequestForm
        types={types}
        components={[
          { ref: 'component:default/orders-service', title: 'Orders Service' },
        ]}
        initialComponentRef="component:default/orders-service"
        onSubmit={onSubmit}
        onCreated={jest.fn()}
        onEvaluatePolicy={evaluate}
      />,
    );

    const preview = await screen.findByRole('radio', { name: /preview/ });
    // Without a type the request is invalid: nothing to ask the policies yet.
    await new Promise(resolve => setTimeout(resolve, 600));
    expect(evaluate).not.toHaveBeenCalled();
    await userEvent.click(preview);

    const alert = await screen.findByRole('alert', {}, { timeout: 3000 });
    expect(alert).toHaveTextContent(
      "The platform's policies would deny this request",
    );
    expect(within(alert).getByText(limit.message)).toBeInTheDocument();
    expect(evaluate).toHaveBeenLastCalledWith({
      componentRef: 'component:default/orders-service',
      type: 'preview',
    });
    const submit = screen.getByRole('button', { name: 'Request environment' });
    await waitFor(() => expect(submit).toBeDisabled());
    expect(submit).toHaveAccessibleDescription(
      /Requesting it is not possible: the platform's policies deny it/,
    );
    expect(onSubmit).not.toHaveBeenCalled();
  });
});
