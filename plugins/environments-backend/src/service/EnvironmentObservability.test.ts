import { mockCredentials } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { Environment } from '@internal/backstage-plugin-environments-common';
import { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { Readable } from 'node:stream';
import { KubernetesObserver } from '../kubernetes';
import { developmentType } from '../kubernetes/__testUtils__/fixtures';
import { EnvironmentObservability } from './EnvironmentObservability';

const environment: Environment = {
  id: 'env-1',
  name: 'development',
  namespace: 'orders-service-development',
  componentRef: 'component:default/orders-service',
  ownerRef: 'group:default/team-orders',
  type: 'development',
  status: 'ready',
  conditions: [],
  spec: {
    componentRef: 'component:default/orders-service',
    type: 'development',
    name: 'development',
    resources: [],
  },
  createdBy: 'user:default/jane',
  createdAt: '2026-11-21T09:00:00.000Z',
  updatedAt: '2026-11-21T09:00:00.000Z',
};

function pod(
  name: string,
  options: {
    environmentId?: string;
    containers?: string[];
    initContainers?: string[];
    defaultContainer?: string;
  } = {},
): V1Pod {
  return {
    metadata: {
      name,
      namespace: environment.namespace,
      labels: { 'environments.idp.dev/id': options.environmentId ?? 'env-1' },
      annotations: options.defaultContainer
        ? {
            'kubectl.kubernetes.io/default-container': options.defaultContainer,
          }
        : {},
      creationTimestamp: new Date('2026-11-21T09:05:00Z'),
    },
    spec: {
      containers: (options.containers ?? ['orders-service']).map(n => ({
        name: n,
        image: `ghcr.io/acme/${n}:1.0`,
      })),
      initContainers: options.initContainers?.map(n => ({
        name: n,
        image: 'busybox',
      })),
    },
    status: { phase: 'Running' },
  };
}

function setup(
  options: {
    status?: Environment['status'];
    type?: string;
    pods?: V1Pod[];
    events?: CoreV1Event[];
    denied?: boolean;
    logsDenied?: boolean;
  } = {},
) {
  const observer = {
    listPods: jest.fn(async () => options.pods ?? []),
    readPod: jest.fn(async (_namespace: string, name: string) =>
      (options.pods ?? []).find(p => p.metadata?.name === name),
    ),
    listEvents: jest.fn(async () => options.events ?? []),
    openLog: jest.fn(
      async (..._args: Parameters<KubernetesObserver['openLog']>) =>
        Readable.from(['line 1\n']),
    ),
  };
  const observerFor = jest.fn(() => observer);
  const authorizer = {
    authorize: jest.fn(async () => {
      if (options.logsDenied) {
        throw new NotAllowedError('You may not read the logs of env-1');
      }
    }),
  };
  const observability = new EnvironmentObservability({
    environments: {
      get: async () => {
        if (options.denied) {
          throw new NotAllowedError('You may not read environment env-1');
        }
        return {
          ...environment,
          status: options.status ?? 'ready',
          type: options.type ?? environment.type,
        };
      },
    },
    types: {
      development: developmentType,
      production: { ...developmentType, sensitiveLogs: true },
    },
    authorizer,
    observerFor,
  });
  return { observability, observer, observerFor, authorizer };
}

const credentials = mockCredentials.user('user:default/jane');
const signal = new AbortController().signal;
const auditEvent = () => ({
  success: jest.fn(async () => {}),
  fail: jest.fn(async () => {}),
});
const audit = jest.fn(async () => auditEvent());

describe('EnvironmentObservability', () => {
  describe('logs', () => {
    it('reads the container of an environment pod with 500 lines by default', async () => {
      const { observability, observer } = setup({ pods: [pod('orders-1')] });

      await observability.openLogs(
        'env-1',
        { pod: 'orders-1', follow: true },
        { credentials, signal, audit },
      );

      expect(observer.openLog).toHaveBeenCalledWith(
        'orders-service-development',
        'orders-1',
        {
          container: 'orders-service',
          follow: true,
          previous: undefined,
          tailLines: 500,
          sinceSeconds: undefined,
          timestamps: undefined,
        },
        signal,
      );
    });

    it('passes on what the request asks for', async () => {
      const { observability, observer } = setup({
        pods: [pod('orders-1', { containers: ['app', 'proxy'] })],
      });

      await observability.openLogs(
        'env-1',
        {
          pod: 'orders-1',
          container: 'proxy',
          previous: true,
          tailLines: 20,
          sinceSeconds: 60,
          timestamps: true,
        },
        { credentials, signal, audit },
      );

      expect(observer.openLog.mock.calls[0]).toContainEqual({
        container: 'proxy',
        follow: undefined,
        previous: true,
        tailLines: 20,
        sinceSeconds: 60,
        timestamps: true,
      });
    });

    it('answers 404 naming a pod that does not exist', async () => {
      const { observability, observer } = setup({ pods: [pod('orders-1')] });

      await expect(
        observability.openLogs(
          'env-1',
          { pod: 'orders-2' },
          { credentials, signal, audit },
        ),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message:
          "Pod 'orders-2' was not found in environment 'development' (namespace orders-service-development)",
      });
      expect(observer.openLog).not.toHaveBeenCalled();
    });

    it("answers 404 for a pod in the namespace that is not the environment's", async () => {
      const { observability, observer } = setup({
        pods: [pod('intruder', { environmentId: 'env-2' })],
      });

      await expect(
        observability.openLogs(
          'env-1',
          { pod: 'intruder' },
          { credentials, signal, audit },
        ),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message: expect.stringContaining("Pod 'intruder' was not found"),
      });
      expect(observer.openLog).not.toHaveBeenCalled();
    });

    it('answers 400 naming the field and the rule for a container the pod does not have', async () => {
      const { observability } = setup({
        pods: [pod('orders-1', { initContainers: ['migrate'] })],
      });

      const failure = observability.openLogs(
        'env-1',
        { pod: 'orders-1', container: 'sidecar' },
        { credentials, signal, audit },
      );

      await expect(failure).rejects.toMatchObject({
        name: 'InputError',
        issues: [
          {
            field: 'container',
            rule: 'must be a container of pod orders-1 (orders-service, migrate); got "sidecar"',
          },
        ],
      });
      await expect(failure).rejects.toThrow(/container: must be a container/);
    });

    it('reads an init container when asked', async () => {
      const { observability, observer } = setup({
        pods: [pod('orders-1', { initContainers: ['migrate'] })],
      });

      await observability.openLogs(
        'env-1',
        { pod: 'orders-1', container: 'migrate' },
        { credentials, signal, audit },
      );

      expect(observer.openLog.mock.calls[0][2]).toMatchObject({
        container: 'migrate',
      });
    });

    it("takes the pod's default container, and asks for one when there is none", async () => {
      const { observability, observer } = setup({
        pods: [
          pod('with-default', {
            containers: ['app', 'proxy'],
            defaultContainer: 'app',
          }),
          pod('without', { containers: ['app', 'proxy'] }),
        ],
      });

      await observability.openLogs(
        'env-1',
        { pod: 'with-default' },
        { credentials, signal, audit },
      );
      expect(observer.openLog.mock.calls[0][2]).toMatchObject({
        container: 'app',
      });

      await expect(
        observability.openLogs(
          'env-1',
          { pod: 'without' },
          { credentials, signal, audit },
        ),
      ).rejects.toMatchObject({
        name: 'InputError',
        issues: [
          {
            field: 'container',
            rule: 'is required: pod without has more than one container (app, proxy)',
          },
        ],
      });
    });

    it('refuses whoever may not read the environment, before asking the cluster', async () => {
      const { observability, observerFor } = setup({
        pods: [pod('orders-1')],
        denied: true,
      });

      await expect(
        observability.openLogs(
          'env-1',
          { pod: 'orders-1' },
          { credentials, signal, audit },
        ),
      ).rejects.toBeInstanceOf(NotAllowedError);
      await expect(
        observability.pods('env-1', { credentials }),
      ).rejects.toBeInstanceOf(NotAllowedError);
      await expect(
        observability.events('env-1', { credentials }),
      ).rejects.toBeInstanceOf(NotAllowedError);
      expect(observerFor).not.toHaveBeenCalled();
    });
  });

  describe('logs permission', () => {
    it('asks whether the caller may read the logs, before asking the cluster', async () => {
      const { observability, observerFor, authorizer } = setup({
        pods: [pod('orders-1')],
        logsDenied: true,
      });

      await expect(
        observability.openLogs(
          'env-1',
          { pod: 'orders-1' },
          { credentials, signal, audit },
        ),
      ).rejects.toBeInstanceOf(NotAllowedError);
      expect(authorizer.authorize).toHaveBeenCalledWith(
        'readLogs',
        expect.objectContaining({
          id: 'env-1',
          ownerRef: 'group:default/team-orders',
          type: 'development',
        }),
        credentials,
      );
      expect(observerFor).not.toHaveBeenCalled();
    });

    it('does not audit reads of logs that are not sensitive', async () => {
      const { observability } = setup({ pods: [pod('orders-1')] });
      const notSensitive = jest.fn(async () => auditEvent());

      await observability.openLogs(
        'env-1',
        { pod: 'orders-1' },
        { credentials, signal, audit: notSensitive },
      );

      expect(notSensitive).not.toHaveBeenCalled();
    });

    it('audits each read of sensitive logs, allowed or refused', async () => {
      const allowed = setup({ type: 'production', pods: [pod('orders-1')] });
      const allowedEvent = auditEvent();
      await allowed.observability.openLogs(
        'env-1',
        { pod: 'orders-1', container: 'orders-service' },
        { credentials, signal, audit: async () => allowedEvent },
      );
      expect(allowedEvent.success).toHaveBeenCalled();

      const refused = setup({
        type: 'production',
        pods: [pod('orders-1')],
        logsDenied: true,
      });
      const refusedEvent = auditEvent();
      const refusedAudit = jest.fn(async () => refusedEvent);
      await expect(
        refused.observability.openLogs(
          'env-1',
          { pod: 'orders-1' },
          { credentials, signal, audit: refusedAudit },
        ),
      ).rejects.toBeInstanceOf(NotAllowedError);
      expect(refusedAudit).toHaveBeenCalledWith({
        environmentId: 'env-1',
        type: 'production',
        pod: 'orders-1',
      });
      expect(refusedEvent.fail).toHaveBeenCalledWith({
        error: expect.any(NotAllowedError),
      });
      expect(refusedEvent.success).not.toHaveBeenCalled();
    });
  });

  describe('pods', () => {
    it("lists the environment's pods by its id label, oldest first", async () => {
      const younger = pod('orders-b');
      younger.metadata!.creationTimestamp = new Date('2026-11-21T10:00:00Z');
      const { observability, observer, observerFor } = setup({
        pods: [younger, pod('orders-a')],
      });

      const pods = await observability.pods('env-1', { credentials });

      expect(pods.map(p => p.name)).toEqual(['orders-a', 'orders-b']);
      expect(observerFor).toHaveBeenCalledWith('dev-cluster');
      expect(observer.listPods).toHaveBeenCalledWith(
        'orders-service-development',
        'environments.idp.dev/id=env-1',
      );
    });

    it.each(['requested', 'deleted'] as const)(
      'lists nothing for a %s environment, which has no namespace',
      async status => {
        const { observability, observerFor } = setup({
          status,
          pods: [pod('orders-1')],
        });

        await expect(
          observability.pods('env-1', { credentials }),
        ).resolves.toEqual([]);
        await expect(
          observability.events('env-1', { credentials }),
        ).resolves.toEqual([]);
        expect(observerFor).not.toHaveBeenCalled();
      },
    );
  });

  describe('events', () => {
    it('lists every event, newest first', async () => {
      const event = (reason: string, type: string, at: string) => ({
        metadata: { name: reason },
        involvedObject: { kind: 'Pod', name: 'orders-1' },
        reason,
        type,
        message: reason,
        count: 1,
        firstTimestamp: new Date(at),
        lastTimestamp: new Date(at),
      });
      const { observability } = setup({
        events: [
          event('Scheduled', 'Normal', '2026-11-21T09:00:00Z'),
          event('BackOff', 'Warning', '2026-11-21T09:02:00Z'),
          event('Started', 'Normal', '2026-11-21T09:01:00Z'),
        ],
      });

      const events = await observability.events('env-1', { credentials });

      expect(events.map(e => `${e.type} ${e.reason}`)).toEqual([
        'Warning BackOff',
        'Normal Started',
        'Normal Scheduled',
      ]);
    });
  });
});
