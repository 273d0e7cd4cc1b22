import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import http, { createServer, Server } from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import {
  KubernetesTimeoutError,
  makeApiClient,
  pooledAgent,
} from './apiClients';

describe('makeApiClient', () => {
  let server: Server;
  let kubeConfig: KubeConfig;
  let answer: 'now' | 'never';
  const connections = new Set<unknown>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      connections.add(req.socket);
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

  it('keeps its connections to the API server alive between requests', async () => {
    answer = 'now';
    connections.clear();
    const core = makeApiClient(kubeConfig, CoreV1Api, 1_000);
    for (let i = 0; i < 5; i++) {
      await core.readNamespace({ name: 'a' });
    }
    expect(connections.size).toBe(1);
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

describe('pooledAgent', () => {
  const tls = (cert: string) =>
    new https.Agent({ ca: 'ca', cert, key: 'key', rejectUnauthorized: true });

  it('gives agents of one TLS identity one keep-alive pool', () => {
    const first = pooledAgent(tls('cert-a'));
    expect(pooledAgent(tls('cert-a'))).toBe(first);
    expect(first).toBeInstanceOf(https.Agent);
    expect((first as http.Agent & { keepAlive: boolean }).keepAlive).toBe(true);
    expect((first as https.Agent).options).toMatchObject({
      ca: 'ca',
      cert: 'cert-a',
      key: 'key',
      rejectUnauthorized: true,
    });
  });

  it('gives another certificate, or another verification, another pool', () => {
    const first = pooledAgent(tls('cert-a'));
    expect(pooledAgent(tls('cert-b'))).not.toBe(first);
    expect(
      pooledAgent(
        new https.Agent({
          ca: 'ca',
          cert: 'cert-a',
          key: 'key',
          rejectUnauthorized: false,
        }),
      ),
    ).not.toBe(first);
    expect(pooledAgent(new http.Agent())).not.toBe(first);
  });

  it('leaves a proxy agent, or no agent, as it is', () => {
    class ProxyAgent extends https.Agent {}
    const proxy = new ProxyAgent();
    expect(pooledAgent(proxy)).toBe(proxy);
    expect(pooledAgent(undefined)).toBeUndefined();
  });
});
