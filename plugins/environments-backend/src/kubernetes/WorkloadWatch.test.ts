import { mockServices } from '@backstage/backend-test-utils';
import { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import {
  MANAGED_SELECTOR,
  WatchedKind,
  WorkloadList,
  WorkloadWatch,
} from './WorkloadWatch';
import { WorkloadCache } from './WorkloadCache';

type WatchRequest = {
  path: string;
  params: Record<string, unknown>;
  send: (type: string, object: object) => void;
  end: (error?: unknown) => void;
  controller: AbortController;
};

/** Stands in for the API server: records list and watch requests and lets the test answer them. */
function fakeApiServer() {
  const lists: Partial<Record<WatchedKind, WorkloadList>> = {};
  const requests: WatchRequest[] = [];
  const list = jest.fn(
    async (kind: WatchedKind, _labelSelector: string): Promise<WorkloadList> =>
      lists[kind] ?? { items: [], resourceVersion: '1' },
  );
  const watch = {
    watch: jest.fn(
      async (
        path: string,
        params: Record<string, unknown>,
        onEvent: (type: string, object: any) => void,
        done: (error: unknown) => void,
      ) => {
        const controller = new AbortController();
        let ended = false;
        const end = (error: unknown = null) => {
          if (!ended) {
            ended = true;
            done(error);
          }
        };
        controller.signal.addEventListener('abort', () =>
          end(new Error('aborted')),
        );
        requests.push({ path, params, send: onEvent, end, controller });
        return controller;
      },
    ),
  };
  const watchesOf = (path: string) => requests.filter(r => r.path === path);
  return { lists, list, watch, requests, watchesOf };
}

function object(
  kind: string,
  name: string,
  environmentId: string | undefined,
  resourceVersion: string,
): KubernetesObject {
  return {
    kind,
    metadata: {
      name,
      namespace: 'orders-dev',
      resourceVersion,
      labels: {
        'app.kubernetes.io/managed-by': 'idp-environments',
        ...(environmentId && { 'environments.idp.dev/id': environmentId }),
      },
    },
  };
}

async function until(what: string, condition: () => boolean) {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`not within 5 s: ${what}`);
    }
    await new Promise(resolve => setTimeout(resolve, 5));
  }
}

const DEPLOYMENTS = '/apis/apps/v1/deployments';

describe('WorkloadWatch', () => {
  let server: ReturnType<typeof fakeApiServer>;
  let changed: string[];
  let watch: WorkloadWatch;
  const logger = mockServices.logger.mock();

  beforeEach(() => {
    server = fakeApiServer();
    changed = [];
    logger.warn.mockClear();
    // One logger for all kinds, to read what the watch logged.
    logger.child.mockReturnValue(logger);
    watch = new WorkloadWatch({
      kubeConfig: new KubeConfig(),
      logger,
      onChange: id => changed.push(id),
      watch: server.watch,
      list: server.list,
      initialBackoffMs: 10,
      maxBackoffMs: 40,
    });
  });

  afterEach(() => watch.stop());

  it('lists each kind by the managed-by label, reports the environments found, then watches from the list', async () => {
    server.lists.Deployment = {
      items: [
        object('Deployment', 'orders-service', 'env-a', '7'),
        object('Deployment', 'payments-service', 'env-b', '9'),
      ],
      resourceVersion: '10',
    };

    watch.start();
    await until('three watches', () => server.requests.length === 3);

    expect(server.list.mock.calls.sort()).toEqual([
      ['Deployment', MANAGED_SELECTOR],
      ['Pod', MANAGED_SELECTOR],
      ['StatefulSet', MANAGED_SELECTOR],
    ]);
    expect(MANAGED_SELECTOR).toBe(
      'app.kubernetes.io/managed-by=idp-environments',
    );
    expect(changed.sort()).toEqual(['env-a', 'env-b']);
    expect(server.requests.map(r => r.path).sort()).toEqual([
      '/api/v1/pods',
      '/apis/apps/v1/deployments',
      '/apis/apps/v1/statefulsets',
    ]);
    expect(server.watchesOf(DEPLOYMENTS)[0].params).toEqual({
      labelSelector: MANAGED_SELECTOR,
      resourceVersion: '10',
      allowWatchBookmarks: true,
      timeoutSeconds: 300,
    });
  });

  it('also follows the kinds the resource drivers observe, each once', async () => {
    await watch.stop();
    watch = new WorkloadWatch({
      kubeConfig: new KubeConfig(),
      logger,
      onChange: id => changed.push(id),
      watch: server.watch,
      list: server.list,
      observedKinds: [
        { apiVersion: 'apps/v1', kind: 'StatefulSet', plural: 'statefulsets' },
        {
          apiVersion: 'storage.example.com/v1',
          kind: 'BucketClaim',
          plural: 'bucketclaims',
        },
      ],
    });
    server.lists.BucketClaim = {
      items: [object('BucketClaim', 'assets', 'env-c', '3')],
      resourceVersion: '4',
    };

    watch.start();
    await until('four watches', () => server.requests.length === 4);

    expect(server.requests.map(r => r.path).sort()).toEqual([
      '/api/v1/pods',
      '/apis/apps/v1/deployments',
      '/apis/apps/v1/statefulsets',
      '/apis/storage.example.com/v1/bucketclaims',
    ]);
    expect(changed).toEqual(['env-c']);
  });

  it('reports the environment of every object that changes or goes', async () => {
    watch.start();
    await until('watching', () => server.watchesOf(DEPLOYMENTS).length === 1);
    const [request] = server.watchesOf(DEPLOYMENTS);

    request.send('ADDED', object('Deployment', 'a', 'env-a', '11'));
    request.send('MODIFIED', object('Deployment', 'a', 'env-a', '12'));
    request.send('BOOKMARK', { metadata: { resourceVersion: '13' } });
    request.send('DELETED', object('Deployment', 'a', 'env-a', '14'));
    request.send('ADDED', object('Deployment', 'stray', undefined, '15'));

    expect(changed).toEqual(['env-a', 'env-a', 'env-a']);
  });

  it('keeps its cache as the API server would list it, and drops a kind whose watch failed until it is listed again', async () => {
    await watch.stop();
    const cache = new WorkloadCache();
    watch = new WorkloadWatch({
      kubeConfig: new KubeConfig(),
      logger,
      onChange: id => {
        // Whoever is told of a change reads it from the cache.
        changed.push(
          `${id}:${cache
            .list('Deployment', 'orders-dev', {
              'environments.idp.dev/id': id,
            })
            ?.map(o => o.metadata?.resourceVersion)
            .join(',')}`,
        );
      },
      watch: server.watch,
      list: server.list,
      cache,
      initialBackoffMs: 10,
    });
    const labels = { 'environments.idp.dev/id': 'env-a' };
    server.lists.Deployment = {
      items: [object('Deployment', 'a', 'env-a', '7')],
      resourceVersion: '10',
    };
    expect(cache.list('Deployment', 'orders-dev', labels)).toBeUndefined();

    watch.start();
    await until('watching', () => server.watchesOf(DEPLOYMENTS).length === 1);
    const [request] = server.watchesOf(DEPLOYMENTS);
    request.send('ADDED', object('Deployment', 'b', 'env-a', '11'));
    request.send('MODIFIED', object('Deployment', 'a', 'env-a', '12'));
    request.send('DELETED', object('Deployment', 'b', 'env-a', '13'));

    expect(changed).toEqual([
      'env-a:7',
      'env-a:7,11',
      'env-a:12,11',
      'env-a:12',
    ]);
    expect(cache.list('Deployment', 'orders-dev', labels)).toEqual([
      object('Deployment', 'a', 'env-a', '12'),
    ]);
    expect(
      cache.list('Deployment', 'orders-dev', {
        'environments.idp.dev/id': 'x',
      }),
    ).toEqual([]);
    expect(cache.list('Deployment', 'elsewhere', labels)).toEqual([]);

    request.end(new Error('connection reset'));
    await until(
      'not live',
      () => !cache.list('Deployment', 'orders-dev', labels),
    );
    await until(
      'watching again',
      () => server.watchesOf(DEPLOYMENTS).length === 2,
    );
    expect(cache.list('Deployment', 'orders-dev', labels)).toEqual([
      object('Deployment', 'a', 'env-a', '7'),
    ]);

    await watch.stop();
    expect(cache.list('Deployment', 'orders-dev', labels)).toBeUndefined();
  });

  it('resumes a watch that the API server ended where it left off, without listing again', async () => {
    watch.start();
    await until('watching', () => server.watchesOf(DEPLOYMENTS).length === 1);
    const [first] = server.watchesOf(DEPLOYMENTS);
    first.send('ADDED', object('Deployment', 'a', 'env-a', '42'));

    first.end();
    await until(
      'watching again',
      () => server.watchesOf(DEPLOYMENTS).length === 2,
    );

    expect(server.watchesOf(DEPLOYMENTS)[1].params.resourceVersion).toBe('42');
    expect(server.list).toHaveBeenCalledTimes(3);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('lists again when the watch expired (410 Gone), and reports environments whose objects went meanwhile', async () => {
    server.lists.Deployment = {
      items: [
        object('Deployment', 'a', 'env-a', '5'),
        object('Deployment', 'b', 'env-b', '6'),
      ],
      resourceVersion: '6',
    };
    watch.start();
    await until('watching', () => server.watchesOf(DEPLOYMENTS).length === 1);
    changed = [];
    // Meanwhile env-a's Deployment is deleted, and the watch's version is too old.
    server.lists.Deployment = {
      items: [object('Deployment', 'b', 'env-b', '6')],
      resourceVersion: '99',
    };

    const [first] = server.watchesOf(DEPLOYMENTS);
    first.send('ERROR', { kind: 'Status', code: 410, message: 'too old' });
    first.end();
    await until(
      'watching again',
      () => server.watchesOf(DEPLOYMENTS).length === 2,
    );

    expect(changed.sort()).toEqual(['env-a', 'env-b']);
    expect(server.watchesOf(DEPLOYMENTS)[1].params.resourceVersion).toBe('99');
    expect(logger.warn).toHaveBeenCalledWith(
      'Watch of Deployment objects expired; listing again in 10 ms',
      expect.anything(),
    );
  });

  it('restarts a failing watch after a growing backoff, with a new list each time', async () => {
    watch.start();
    const deploymentWatches = () => server.watchesOf(DEPLOYMENTS);
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const watches = attempt;
      await until(
        `attempt ${watches}`,
        () => deploymentWatches().length === watches,
      );
      deploymentWatches()[watches - 1].end(new Error('ECONNRESET'));
    }
    await until('attempt 5', () => server.watchesOf(DEPLOYMENTS).length === 5);

    const delays = logger.warn.mock.calls
      .map(([message]) => message)
      .filter(message => message.startsWith('Watch of Deployment'));
    expect(delays).toEqual([
      'Watch of Deployment objects failed; listing again in 10 ms',
      'Watch of Deployment objects failed; listing again in 20 ms',
      'Watch of Deployment objects failed; listing again in 40 ms',
      'Watch of Deployment objects failed; listing again in 40 ms',
    ]);
    expect(
      server.list.mock.calls.filter(([kind]) => kind === 'Deployment'),
    ).toHaveLength(5);
  });

  it('counts a watch that ends at once, having delivered nothing, as a failure', async () => {
    watch.start();
    await until('watching', () => server.watchesOf(DEPLOYMENTS).length === 1);

    server.watchesOf(DEPLOYMENTS)[0].end();
    await until(
      'watching again',
      () => server.watchesOf(DEPLOYMENTS).length === 2,
    );

    expect(logger.warn).toHaveBeenCalledWith(
      'Watch of Deployment objects failed; listing again in 10 ms',
      { error: 'the watch ended at once, without an event', failures: 1 },
    );
  });

  it('stops: ends its watch requests and starts no new ones', async () => {
    watch.start();
    await until('watching', () => server.requests.length === 3);

    await watch.stop();

    expect(server.requests.every(r => r.controller.signal.aborted)).toBe(true);
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(server.requests).toHaveLength(3);
  });
});
