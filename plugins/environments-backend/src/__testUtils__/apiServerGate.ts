import net from 'node:net';
import { AddressInfo } from 'node:net';

/**
 * A TCP proxy in front of an API server (or of another proxy) that a fault test
 * can pause, as a stopped kube-apiserver would be, and close, as a killed process
 * would lose its connections.
 */
export type ApiServerGate = {
  /** The address to reach the API server through the gate. */
  url: string;
  /**
   * From now on nothing passes either way: the bytes of open connections and
   * new connections are held, as by an API server that was stopped (SIGSTOP).
   * A client that gives up meanwhile drops what it sent, which never arrives.
   */
  pause(): void;
  /** Lets what was held through, and everything after it. */
  resume(): void;
  /** Ends every connection at once and accepts no more. */
  close(): Promise<void>;
};

type Pair = {
  client: net.Socket;
  upstream?: net.Socket;
  /** What the client sent while paused or before the upstream connected. */
  held: Buffer[];
  /** What the upstream answered while paused. */
  answered: Buffer[];
};

/** Starts a gate that forwards `http://127.0.0.1:<port>` to `target` (a `http://host:port` URL). */
export async function startApiServerGate(
  target: string,
): Promise<ApiServerGate> {
  const { hostname, port } = new URL(target);
  let paused = false;
  const pairs = new Set<Pair>();

  const connect = (pair: Pair) => {
    const upstream = net.connect({ host: hostname, port: Number(port) });
    pair.upstream = upstream;
    upstream.on('connect', () => {
      for (const chunk of pair.held.splice(0)) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (paused) pair.answered.push(chunk);
      else pair.client.write(chunk);
    });
    const end = () => {
      pair.client.destroy();
      pairs.delete(pair);
    };
    upstream.on('close', end);
    upstream.on('error', end);
  };

  const server = net.createServer(client => {
    const pair: Pair = { client, held: [], answered: [] };
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => {
      if (paused || !pair.upstream || pair.upstream.connecting) {
        pair.held.push(chunk);
      } else {
        pair.upstream.write(chunk);
      }
    });
    const end = () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    };
    client.on('close', end);
    client.on('error', end);
    if (!paused) connect(pair);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}`,
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      for (const pair of pairs) {
        if (!pair.upstream) {
          connect(pair);
          continue;
        }
        for (const chunk of pair.answered.splice(0)) pair.client.write(chunk);
        if (!pair.upstream.connecting) {
          for (const chunk of pair.held.splice(0)) pair.upstream.write(chunk);
        }
      }
    },
    async close() {
      const closed = new Promise(resolve => server.close(resolve));
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream?.destroy();
      }
      pairs.clear();
      await closed;
    },
  };
}
