import http from 'node:http';
import { AddressInfo } from 'node:net';
import { startApiServerGate } from './apiServerGate';
import { seededRandom } from './seededRandom';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('startApiServerGate', () => {
  let server: http.Server;
  let target: string;
  let received = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      received += 1;
      res.end(`answer to ${req.url}`);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
  });

  const get = (url: string) => fetch(url).then(res => res.text());

  it('passes requests through, holds them while paused and lets them through on resume', async () => {
    const gate = await startApiServerGate(target);
    await expect(get(`${gate.url}/one`)).resolves.toBe('answer to /one');

    gate.pause();
    const before = received;
    let answered = false;
    const held = get(`${gate.url}/two`).then(text => {
      answered = true;
      return text;
    });
    await sleep(300);
    expect(answered).toBe(false);
    expect(received).toBe(before);

    gate.resume();
    await expect(held).resolves.toBe('answer to /two');
    await gate.close();
  });

  it('refuses everything once closed', async () => {
    const gate = await startApiServerGate(target);
    await gate.close();
    await expect(get(`${gate.url}/three`)).rejects.toThrow();
  });
});

describe('seededRandom', () => {
  it('repeats its sequence for the same seed', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return [random.next(), random.int(1, 6), random.distinct(3, 0, 9)];
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    const [, die, picked] = draw(7) as [number, number, number[]];
    expect(die).toBeGreaterThanOrEqual(1);
    expect(die).toBeLessThanOrEqual(6);
    expect(new Set(picked).size).toBe(3);
  });
});
