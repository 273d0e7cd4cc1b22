import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { environmentsApiRef } from '../../api';
import { mockEnvironmentsApi, responseError } from '../../__testUtils__';
import { aDeployment } from '../DeployForm/testData';
import { PromoteDialog } from './PromoteDialog';

const source = aDeployment({
  id: 'dep-9',
  environmentId: 'env-staging',
  environmentName: 'staging',
  type: 'staging',
  state: 'succeeded',
  finishedAt: '2026-12-04T15:00:00.000Z',
});
const soak = {
  rule: 'promotions.soak_time',
  message:
    'deployment 9 has run in staging for 10 minutes; production takes promotions after 30',
};
const freeze = {
  rule: 'deployments.change_freeze',
  message: 'production is frozen (Weekend freeze) until Monday 00:00',
};

// The machine the tests run on is shared: dialogs render slowly there.
jest.setTimeout(30_000);

describe('PromoteDialog and the policies', () => {
  it('shows the dry run as the dialog opens, and every rule of the 403 after Promote', async () => {
    const evaluatePolicy = jest.fn(async () => ({
      outcome: 'allow' as const,
      deny: [],
      warn: [],
    }));
    const promote = jest.fn().mockRejectedValue(
      await responseError(403, {
        name: 'PolicyDeniedError',
        message: 'Refused by policy: ...',
        action: 'deployment.promote',
        violations: [soak, freeze],
        warnings: [],
      }),
    );
    renderInTestApp(
      <TestApiProvider
        apis={[
          [
            environmentsApiRef,
            mockEnvironmentsApi({ evaluatePolicy, promote }),
          ],
        ]}
      >
        <PromoteDialog
          source={source}
          target={{
            environmentId: 'env-prod',
            environmentName: 'production',
            type: 'production',
          }}
          isOpen
          onOpenChange={jest.fn()}
        />
      </TestApiProvider>,
    );

    await waitFor(
      () =>
        expect(evaluatePolicy).toHaveBeenCalledWith({
          action: 'deployment.promote',
          environmentId: 'env-prod',
          request: { deploymentId: 'dep-9', source: 'ui' },
        }),
      { timeout: 3000 },
    );
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Promote' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      "The promotion was denied by the platform's policies (2 rules)",
    );
    expect(within(alert).getByText(soak.message)).toBeInTheDocument();
    expect(within(alert).getByText(freeze.rule)).toBeInTheDocument();
    expect(screen.queryByText('Not promoted')).not.toBeInTheDocument();
  });
});
