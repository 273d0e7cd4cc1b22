import { renderInTestApp } from '@backstage/frontend-test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  Deployment,
  EnvironmentPod,
} from '@internal/backstage-plugin-environments-common';
import { screen, waitFor } from '@testing-library/react';
import { environmentsApiRef } from '../../api';
import {
  anEnvironment,
  FakeSignalApi,
  mockEnvironmentsApi,
} from '../../__testUtils__';
import { DeploymentProgress } from './DeploymentProgress';
import { aDeployment } from './testData';

jest.setTimeout(30_000);

const environment = anEnvironment({ status: 'ready' });
const rollingOut = aDeployment();

function aPod(name: string, image: string, ready: boolean): EnvironmentPod {
  return {
    name,
    phase: ready ? 'Running' : 'Pending',
    ready,
    restarts: 0,
    createdAt: '2026-11-21T10:00:01.000Z',
    containers: [
      {
        name: 'app',
        image,
        ready,
        restartCount: 0,
        state: ready ? 'running' : 'waiting',
        ...(!ready && { reason: 'ImagePullBackOff' }),
      },
    ],
  };
}

function renderProgress(answers: {
  deployments: Deployment[];
  pods: EnvironmentPod[][];
}) {
  const signals = new FakeSignalApi();
  const deployments = [...answers.deployments];
  const pods = [...answers.pods];
  const getDeployment = jest.fn(async () =>
    deployments.length > 1 ? deployments.shift()! : deployments[0],
  );
  const listPods = jest.fn(async () => ({
    items: pods.length > 1 ? pods.shift()! : pods[0],
  }));
  const listEvents = jest.fn(async () => ({
    items: [
      {
        type: 'Warning' as const,
        reason: 'Failed',
        message: 'Error: ImagePullBackOff',
        object: { kind: 'Pod', name: 'orders-2' },
        count: 3,
        firstSeen: '2026-11-21T10:00:02.000Z',
        lastSeen: '2026-11-21T10:00:09.000Z',
        hint: 'Kubernetes cannot pull the container image.',
      },
    ],
  }));
  renderInTestApp(
    <DeploymentProgress deployment={rollingOut} environment={environment} />,
    {
      apis: [
        [
          environmentsApiRef,
          mockEnvironmentsApi({ getDeployment, listPods, listEvents }),
        ],
        [signalApiRef, signals],
      ],
    },
  );
  return { signals, getDeployment, listPods };
}

const state = () => screen.getByLabelText('Deployment state');

describe('DeploymentProgress', () => {
  it('follows the rollout through signals until it succeeds, with the pods coming up', async () => {
    const image = rollingOut.config.image;
    const { signals, getDeployment } = renderProgress({
      deployments: [
        rollingOut,
        aDeployment({
          state: 'succeeded',
          finishedAt: '2026-11-21T10:00:04.000Z',
          updatedAt: '2026-11-21T10:00:04.000Z',
        }),
      ],
      pods: [
        [aPod('orders-1', 'ghcr.io/acme/orders:1.4.2', true)],
        [aPod('orders-2', image, true)],
      ],
    });

    await waitFor(() => expect(state()).toHaveTextContent('Rolling out'));
    expect(
      await screen.findByText('No pod runs this version yet.'),
    ).toBeInTheDocument();

    signals.publish('environments', {
      id: environment.id,
      status: 'ready',
      deployment: { id: rollingOut.id, state: 'succeeded' },
    });

    await waitFor(() => expect(state()).toHaveTextContent('Succeeded'));
    expect(
      await screen.findByText('1 of 1 pods of this version ready.'),
    ).toBeInTheDocument();
    expect(screen.getByText('Succeeded (+4 s)')).toBeInTheDocument();
    expect(getDeployment).toHaveBeenCalledWith(rollingOut.id);
  });

  it('reads the pods again while it rolls out, as they come up without a signal', async () => {
    const image = rollingOut.config.image;
    renderProgress({
      deployments: [rollingOut],
      pods: [[aPod('orders-2', image, false)], [aPod('orders-2', image, true)]],
    });

    expect(
      await screen.findByText('0 of 1 pods of this version ready.'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        '1 of 1 pods of this version ready.',
        {},
        { timeout: 5_000 },
      ),
    ).toBeInTheDocument();
  });

  it('reads the deployment again on signals about its environment only', async () => {
    const { signals, getDeployment } = renderProgress({
      deployments: [rollingOut],
      pods: [[]],
    });
    await waitFor(() => expect(getDeployment).toHaveBeenCalledTimes(1));

    signals.publish('environments', { id: 'env-2', status: 'ready' });
    signals.publish('environments', { id: environment.id, status: 'ready' });

    await waitFor(() => expect(getDeployment).toHaveBeenCalledTimes(2));
    expect(getDeployment).toHaveBeenCalledTimes(2);
  });

  it("ends failed with the deployment's reason and the events' hints", async () => {
    const reason =
      'Pod orders-2: container app is waiting with ImagePullBackOff. Kubernetes cannot pull the container image registry.invalid/acme/orders:1.5.0.';
    renderProgress({
      deployments: [
        aDeployment({
          state: 'failed',
          reason,
          finishedAt: '2026-11-21T10:00:09.000Z',
          updatedAt: '2026-11-21T10:00:09.000Z',
        }),
      ],
      pods: [[aPod('orders-2', rollingOut.config.image, false)]],
    });

    await waitFor(() => expect(state()).toHaveTextContent('Failed'));
    expect(screen.getByText(reason)).toBeInTheDocument();
    expect(
      await screen.findByText('app: waiting: ImagePullBackOff'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Kubernetes cannot pull the container image.'),
    ).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent(
      `Deployment 5 of 1.5.0: failed. ${reason}`,
    );
  });
});
