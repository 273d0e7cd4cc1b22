import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { KubernetesTimeoutError, makeApiClient } from './apiClients';

describe('makeApiClient', () => {
  let server: Server;
  let kubeConfig: KubeConfig;
  let answer: 'now' | 'never';

  beforeAll(async () => {
    server = createServer((_req, res) => {
      if (answer === 'now') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ kind: 'Namespace', metadata: { name: 'a' } }));
      }
      // 'never': the API server is paused; the request hangs.
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [
        { name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true },
      ],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
      currentContext: 'c',
    });
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
  });

  it('answers as the plain client does', async () => {
    answer = 'now';
    const core = makeApiClient(kubeConfig, CoreV1Api, 1_000);
    await expect(core.readNamespace({ name: 'a' })).resolves.toMatchObject({
      metadata: { name: 'a' },
    });
  });

  it('fails a request the API server does not answer in time, naming it', async () => {
    answer = 'never';
    const core = makeApiClient(kubeConfig, CoreV1Api, 200);
    const started = Date.now();
    const request = core.readNamespace({ name: 'a' });
    await expect(request).rejects.toThrow(KubernetesTimeoutError);
    await expect(request).rejects.toThrow(
      'The Kubernetes API did not answer GET /api/v1/namespaces/a within 0.2 s',
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
