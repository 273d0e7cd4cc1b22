import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { FakeEnvironmentsApi } from '@internal/backstage-plugin-environments-common/testUtils';
import { checkpointStore } from '../__testUtils__/checkpoints';
import { createDeployToEnvironmentAction } from './deployToEnvironment';
import { createPromoteToEnvironmentAction } from './promoteToEnvironment';

/** The token the actions must send: the task's user, on behalf of whom the scaffolder calls. */
const userToken = mockCredentials.service.token({
  onBehalfOf: mockCredentials.user(),
  targetPluginId: 'environments',
});

function setUp() {
  const environments = new FakeEnvironmentsApi();
  const development = environments.add({
    name: 'development',
    type: 'development',
    status: 'ready',
  });
  const staging = environments.add({
    name: 'staging',
    type: 'staging',
    status: 'ready',
  });
  const actionOptions = {
    environments,
    auth: mockServices.auth(),
    appBaseUrl: 'http://portal.test/',
    pollIntervals: { statusMs: 5 },
  };
  const deploy = createDeployToEnvironmentAction(actionOptions);
  const promote = createPromoteToEnvironmentAction(actionOptions);
  const logger = mockServices.logger.mock();
  const outputs: Record<string, unknown> = {};
  const context = <I>(
    input: I,
    overrides: Record<string, unknown> = {},
  ): any => ({
    ...createMockActionContext({ input: input as any, logger }),
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
    ...overrides,
  });
  const logged = () => logger.info.mock.calls.map(([message]) => message);
  /** Makes the next deployments roll out, then end in `state` after `reads` reads. */
  const rollOut = (state: 'succeeded' | 'failed', reads = 2) => {
    environments.rolloutOutcome = 'rolling-out';
    const get = environments.getDeployment.bind(environments);
    let count = 0;
    jest
      .spyOn(environments, 'getDeployment')
      .mockImplementation(async (id, options) => {
        if (++count > reads) {
          const stored = environments.deployments.get(id)!;
          stored.state = state;
          if (state === 'failed') {
            stored.reason = 'orders-service: CrashLoopBackOff';
          }
        }
        return get(id, options);
      });
  };
  return {
    environments,
    development,
    staging,
    deploy,
    promote,
    context,
    outputs,
    logged,
    rollOut,
  };
}

describe('environments:deploy', () => {
  it('deploys the image as the user, source scaffolder, and waits until it succeeds', async () => {
    const {
      environments,
      development,
      deploy,
      context,
      outputs,
      logged,
      rollOut,
    } = setUp();
    rollOut('succeeded');

    await deploy.handler(
      context({
        componentRef: 'orders-service',
        environment: 'development',
        image: 'registry.local/orders-service:1.4.2',
        message: 'First release',
      }),
    );

    expect(outputs).toEqual({
      deploymentId: 'deployment-1',
      state: 'succeeded',
      version: '1.4.2',
      url: `http://portal.test/environments/${development.id}`,
    });
    const stored = environments.deployments.get('deployment-1')!;
    expect(stored).toMatchObject({
      environmentId: development.id,
      source: 'scaffolder',
      message: 'First release',
      config: expect.objectContaining({
        image: 'registry.local/orders-service:1.4.2',
      }),
    });
    expect(new Set(environments.calls.map(call => call.token))).toEqual(
      new Set([userToken]),
    );
    expect(logged()).toEqual(
      expect.arrayContaining([
        expect.stringContaining('rolling-out → succeeded'),
        expect.stringMatching(/^Deployment 1\.4\.2 .* succeeded/),
      ]),
    );
  });

  it('fails the step with the reason when the rollout fails', async () => {
    const { deploy, context, rollOut, development } = setUp();
    rollOut('failed');

    await expect(
      deploy.handler(
        context({
          componentRef: 'component:default/orders-service',
          environment: 'development',
          image: 'registry.local/orders-service:1.4.3',
        }),
      ),
    ).rejects.toThrow(
      `is failed: orders-service: CrashLoopBackOff. See http://portal.test/environments/${development.id}`,
    );
  });

  it('returns once the deployment is recorded when wait is false', async () => {
    const { environments, deploy, context, outputs } = setUp();
    environments.rolloutOutcome = 'rolling-out';

    await deploy.handler(
      context({
        componentRef: 'component:default/orders-service',
        environment: 'development',
        image: 'registry.local/orders-service:1.4.2',
        wait: false,
      }),
    );

    expect(outputs).toMatchObject({ state: 'rolling-out', version: '1.4.2' });
    expect(environments.callsTo('getDeployment')).toHaveLength(1);
  });

  it('says who must approve, and fails naming the timeout while the approval waits', async () => {
    const { environments, deploy, context, logged } = setUp();
    environments.typesRequiringApproval.add('development');

    await expect(
      deploy.handler(
        context({
          componentRef: 'component:default/orders-service',
          environment: 'development',
          image: 'registry.local/orders-service:1.4.2',
          timeoutSeconds: 1,
        }),
      ),
    ).rejects.toThrow(
      /^Timed out after 1 seconds \(timeoutSeconds\) waiting for deployment 1\.4\.2 .* to succeed; it is still pending-approval/,
    );
    expect(logged()).toContainEqual(
      expect.stringContaining(
        'waits for approval by a member of group:default/admins',
      ),
    );
  });

  it('names the environments the component has when the one asked for is not among them', async () => {
    const { deploy, context } = setUp();

    await expect(
      deploy.handler(
        context({
          componentRef: 'component:default/orders-service',
          environment: 'qa',
          tag: '1.4.2',
        }),
      ),
    ).rejects.toThrow(
      "environment: component:default/orders-service has no environment named 'qa' (it has development, staging); request one first with environments:request",
    );
  });

  it('rejects an image and a tag together, as the backend does, also in a dry run', async () => {
    const { environments, deploy, context } = setUp();

    await expect(
      deploy.handler(
        context(
          {
            componentRef: 'component:default/orders-service',
            environment: 'development',
            image: 'registry.local/orders-service:1.4.2',
            tag: '1.4.2',
          },
          { isDryRun: true },
        ),
      ),
    ).rejects.toThrow(
      'Invalid deployment:\ntag: give either image or tag, not both',
    );
    expect(environments.deployments.size).toBe(0);
  });

  it('deploys nothing in a dry run', async () => {
    const { environments, deploy, context, outputs } = setUp();

    await deploy.handler(
      context(
        {
          componentRef: 'component:default/orders-service',
          environment: 'development',
          image: 'registry.local/orders-service:1.4.2',
        },
        { isDryRun: true },
      ),
    );

    expect(outputs).toEqual({
      deploymentId: 'dry-run',
      state: 'succeeded',
      version: '1.4.2',
      url: 'http://portal.test/environments/dry-run',
    });
    expect(environments.deployments.size).toBe(0);
  });

  it('does not deploy again when a retried task passes its checkpoint', async () => {
    const { environments, deploy, context, outputs, rollOut } = setUp();
    const { checkpoint } = checkpointStore();
    const input = {
      componentRef: 'component:default/orders-service',
      environment: 'development',
      image: 'registry.local/orders-service:1.4.2',
    };
    rollOut('succeeded', 1000);
    await expect(
      deploy.handler(context({ ...input, timeoutSeconds: 1 }, { checkpoint })),
    ).rejects.toThrow(/Timed out/);

    environments.deployments.get('deployment-1')!.state = 'succeeded';
    await deploy.handler(context(input, { checkpoint }));

    expect(environments.callsTo('deploy')).toHaveLength(1);
    expect(outputs).toMatchObject({
      deploymentId: 'deployment-1',
      state: 'succeeded',
    });
  });
});

describe('environments:promote', () => {
  it('promotes what succeeded in development into staging and waits until it succeeds', async () => {
    const {
      environments,
      development,
      staging,
      deploy,
      promote,
      context,
      outputs,
    } = setUp();
    await deploy.handler(
      context({
        componentRef: 'component:default/orders-service',
        environment: 'development',
        image: 'registry.local/orders-service:1.4.2',
      }),
    );

    await promote.handler(
      context({
        componentRef: 'component:default/orders-service',
        environment: 'staging',
        message: 'Release candidate',
      }),
    );

    expect(outputs).toEqual({
      deploymentId: 'deployment-2',
      state: 'succeeded',
      version: '1.4.2',
      url: `http://portal.test/environments/${staging.id}`,
    });
    expect(environments.deployments.get('deployment-2')).toMatchObject({
      kind: 'promotion',
      source: 'scaffolder',
      message: 'Release candidate',
      promotedFrom: {
        deploymentId: 'deployment-1',
        environmentId: development.id,
      },
    });
    expect(environments.callsTo('promote').map(call => call.token)).toEqual([
      userToken,
    ]);
  });

  it("fails with the backend's reason when there is nothing to promote", async () => {
    const { promote, context } = setUp();

    await expect(
      promote.handler(
        context({
          componentRef: 'component:default/orders-service',
          environment: 'staging',
        }),
      ),
    ).rejects.toThrow(
      /^Could not promote into staging of component:default\/orders-service: deploymentId: must be a deployment of the environment before staging/,
    );
  });

  it('promotes nothing in a dry run', async () => {
    const { environments, promote, context, outputs } = setUp();

    await promote.handler(
      context(
        {
          componentRef: 'component:default/orders-service',
          environment: 'staging',
          wait: false,
        },
        { isDryRun: true },
      ),
    );

    expect(outputs).toMatchObject({
      deploymentId: 'dry-run',
      state: 'rolling-out',
    });
    expect(environments.callsTo('promote')).toHaveLength(0);
  });
});
