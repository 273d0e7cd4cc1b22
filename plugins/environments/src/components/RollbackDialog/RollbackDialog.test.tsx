import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { PolicyEvaluation } from '@internal/backstage-plugin-environments-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { environmentsApiRef } from '../../api';
import { mockEnvironmentsApi } from '../../__testUtils__';
import { aDeployment } from '../DeployForm/testData';
import { RollbackDialog } from './RollbackDialog';

const target = aDeployment({
  id: 'dep-3',
  sequence: 3,
  state: 'succeeded',
  finishedAt: '2026-12-01T10:00:00.000Z',
});
const soak = {
  rule: 'deployments.rollback_window',
  message: 'production rolls back only to a deployment of the last 7 days',
};
const digest = {
  rule: 'deployments.digest_recommended_for_production',
  message: 'image ghcr.io/acme/orders:1.5.0 has no digest',
};

function renderDialog(options: {
  evaluation: PolicyEvaluation;
  onOpenChange?: jest.Mock;
}) {
  const evaluatePolicy = jest.fn(async () => options.evaluation);
  const rollback = jest.fn(async () =>
    aDeployment({
      kind: 'rollback',
      policy: { outcome: 'warn', revision: 'r1', warnings: [digest] },
    }),
  );
  const onOpenChange = options.onOpenChange ?? jest.fn();
  renderInTestApp(
    <TestApiProvider
      apis={[
        [environmentsApiRef, mockEnvironmentsApi({ evaluatePolicy, rollback })],
      ]}
    >
      <RollbackDialog
        environmentName="development"
        environmentId="env-1"
        target={target}
        isOpen
        onOpenChange={onOpenChange}
      />
    </TestApiProvider>,
  );
  return { evaluatePolicy, rollback, onOpenChange };
}

// The machine the tests run on is shared: typing into React Aria's fields is slow there.
jest.setTimeout(30_000);

describe('RollbackDialog and the policies', () => {
  it('asks the policies once a reason is typed, and disables Roll back when they deny it', async () => {
    const { evaluatePolicy, rollback } = renderDialog({
      evaluation: { outcome: 'deny', deny: [soak], warn: [] },
    });

    await userEvent.type(
      await screen.findByRole('textbox', { name: /Reason/ }),
      'checkout errors',
    );

    const alert = await screen.findByRole('alert', {}, { timeout: 3000 });
    expect(alert).toHaveTextContent(
      "The platform's policies would deny this rollback",
    );
    expect(within(alert).getByText(soak.message)).toBeInTheDocument();
    expect(evaluatePolicy).toHaveBeenLastCalledWith({
      action: 'deployment.rollback',
      environmentId: 'env-1',
      request: {
        deploymentId: 'dep-3',
        reason: 'checkout errors',
        source: 'ui',
      },
    });
    const rollBack = screen.getByRole('button', { name: 'Roll back' });
    await waitFor(() => expect(rollBack).toBeDisabled());
    expect(rollBack).toHaveAccessibleDescription(
      /Rolling back is not possible/,
    );
    expect(rollback).not.toHaveBeenCalled();
  });

  it('stays open after a rollback the policies warned about, to show the warnings', async () => {
    const { rollback, onOpenChange } = renderDialog({
      evaluation: { outcome: 'warn', deny: [], warn: [digest] },
    });

    await userEvent.type(
      await screen.findByRole('textbox', { name: /Reason/ }),
      'checkout errors',
    );
    expect(
      await screen.findByText(
        "The platform's policies warn about this rollback",
        {},
        { timeout: 3000 },
      ),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Roll back' }));

    expect(
      await screen.findByText(
        "The platform's policies warned about this rollback",
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(digest.message)).toBeInTheDocument();
    expect(rollback).toHaveBeenCalledTimes(1);
    expect(onOpenChange).not.toHaveBeenCalledWith(false);

    await userEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(onOpenChange).toHaveBeenCalledWith(false);
  });
});
