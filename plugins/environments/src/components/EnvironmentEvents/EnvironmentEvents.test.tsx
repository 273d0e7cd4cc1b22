import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EnvironmentEvent } from '@internal/backstage-plugin-environments-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { environmentsApiRef } from '../../api';
import { anEnvironment, mockEnvironmentsApi } from '../../__testUtils__';
import { EnvironmentEvents } from './EnvironmentEvents';

const quotaExceeded: EnvironmentEvent = {
  type: 'Warning',
  reason: 'FailedCreate',
  message:
    'Error creating: pods "web-7d9f-x2" is forbidden: exceeded quota: environment-quota, requested: requests.cpu=500m, used: requests.cpu=2, limited: requests.cpu=2',
  object: { kind: 'ReplicaSet', name: 'web-7d9f' },
  count: 4,
  firstSeen: '2026-11-21T09:00:00.000Z',
  lastSeen: '2026-11-21T09:02:00.000Z',
  hint: 'The namespace quota has no room for another pod; ask for more CPU.',
};
const scheduled: EnvironmentEvent = {
  type: 'Normal',
  reason: 'Scheduled',
  message: 'Successfully assigned web-7d9f-a1 to node-000001',
  object: { kind: 'Pod', name: 'web-7d9f-a1' },
  count: 1,
  // Kubernetes leaves some times unset.
  firstSeen: '1970-01-01T00:00:00Z',
  lastSeen: '2026-11-21T09:00:00.000Z',
};

describe('EnvironmentEvents', () => {
  it('lists every event, warnings set apart and explained', async () => {
    const listEvents = jest.fn(async () => ({
      items: [quotaExceeded, scheduled],
    }));
    await renderInTestApp(
      <EnvironmentEvents environment={anEnvironment({ status: 'ready' })} />,
      {
        apis: [[environmentsApiRef, mockEnvironmentsApi({ listEvents })]],
      },
    );

    expect(await screen.findByText('2 events, 1 warning')).toBeInTheDocument();
    const [warning, normal] = within(
      screen.getByRole('list', { name: 'Events' }),
    ).getAllByRole('listitem');
    expect(warning).toHaveAttribute('data-type', 'Warning');
    expect(warning).toHaveTextContent('Warning: FailedCreate');
    expect(warning).toHaveTextContent('ReplicaSet web-7d9f');
    expect(warning).toHaveTextContent(
      'What this means: The namespace quota has no room for another pod',
    );
    expect(warning).toHaveTextContent(/4 times, last/);
    expect(normal).toHaveTextContent('Normal: Scheduled');
    expect(normal).not.toHaveTextContent('What this means');
    expect(normal).not.toHaveTextContent('1970');
  });

  it('says when the namespace has no events, and when they cannot be read', async () => {
    const listEvents = jest
      .fn()
      .mockRejectedValueOnce(new Error('Forbidden'))
      .mockResolvedValue({ items: [] });
    await renderInTestApp(
      <EnvironmentEvents environment={anEnvironment({ status: 'ready' })} />,
      {
        apis: [[environmentsApiRef, mockEnvironmentsApi({ listEvents })]],
      },
    );
    expect(await screen.findByText('Forbidden')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(
      await screen.findByText('No events in the namespace.'),
    ).toBeInTheDocument();
  });
});
