import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../shared/config.js';
import { TaskProducer } from '../../../producer/task-producer.js';
import { producerOptionsOf } from '../../../producer/task-producer-options.js';
import { TEST_REDIS_URL, deleteTestKeys, testConfig } from '../../helpers/test-config.js';

/** `INFO` as ioredis writes it (RESP, lower case). */
const INFO = /\$4\r\ninfo\r\n/i;

/** How long "Redis" stays away after the cut: several of the producer's reconnection attempts. */
const AWAY_MS = 1000;

/** A loopback proxy to the test Redis that goes away once, at the moment BullMQ reads the version. */
interface CuttingProxy {
  readonly url: string;
  /** Whether it cut a connection. */
  cut(): boolean;
  close(): Promise<void>;
}

/**
 * Cuts its first connection when that connection sends its second INFO
 * (ioredis's ready check is the first; BullMQ sends the second as it makes
 * a Queue, to read the Redis version), then refuses connections for
 * AWAY_MS, as a Redis that crashed and restarts would.
 */
async function cutAtVersionRead(): Promise<CuttingProxy> {
  const upstream = new URL(TEST_REDIS_URL);
  const sockets = new Set<Socket>();
  let connections = 0;
  let cut = false;
  let away = false;
  const server: Server = createServer((client) => {
    if (away) return void client.destroy();
    const first = connections++ === 0;
    const redis = connect(Number(upstream.port || 6379), upstream.hostname);
    for (const socket of [client, redis]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    let infos = 0;
    client.on('data', (chunk) => {
      if (first && INFO.test(chunk.toString('latin1')) && ++infos === 2) {
        cut = away = true;
        setTimeout(() => (away = false), AWAY_MS);
        client.destroy();
        redis.destroy();
        return;
      }
      redis.write(chunk);
    });
    redis.on('data', (chunk) => client.write(chunk));
    client.on('close', () => redis.destroy());
    redis.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    cut: () => cut,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Redis gone at the moment a producer makes its BullMQ Queue. BullMQ reads
 * the Redis version then, once; a read lost to the fail-fast connection
 * would leave the Queue broken for good, every later call failing though
 * Redis is back. ioredis sends the unanswered read again once reconnected
 * (its autoResendUnfulfilledCommands, on by default): with that off, this
 * test fails.
 */
describe('Redis gone while the producer makes its queue', () => {
  let proxy: CuttingProxy | undefined;
  let producer: TaskProducer | undefined;
  let config: Config;

  afterEach(async () => {
    await producer?.close();
    await proxy?.close();
    await deleteTestKeys({ ...config, redisUrl: TEST_REDIS_URL });
  });

  it('enqueues again once Redis is back', async () => {
    proxy = await cutAtVersionRead();
    config = testConfig({ REDIS_URL: proxy.url });
    producer = new TaskProducer(producerOptionsOf(config));
    // The first call may fail, its connection cut under it.
    await producer.enqueue({ url: 'http://127.0.0.1:9/first' }).catch(() => null);
    const startedAt = Date.now();
    let next: Awaited<ReturnType<TaskProducer['enqueue']>> | null = null;
    while (next === null && Date.now() - startedAt < AWAY_MS * 10) {
      next = await producer.enqueue({ url: 'http://127.0.0.1:9/next' }).catch(() => null);
    }
    expect(next, 'an enqueue after Redis came back').not.toBeNull();
    expect(await producer.getExecution(next!.executionId)).toMatchObject({ state: 'waiting' });
    expect(proxy.cut()).toBe(true);
  });
});
