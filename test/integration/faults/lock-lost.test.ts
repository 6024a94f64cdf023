import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../shared/config.js';
import { TaskProducer } from '../../../producer/task-producer.js';
import { producerOptionsOf } from '../../../producer/task-producer-options.js';
import { TestQueue } from '../../helpers/test-queue.js';
import { countFinishes, type FinishCounter } from '../../helpers/finish-counter.js';
import { startHttpTestServer, type HttpTestServer } from '../../helpers/http-test-server.js';
import { ownRedis, type OwnRedis } from '../../helpers/own-redis.js';
import { deleteTestKeys, testConfig } from '../../helpers/test-config.js';
import { eventually } from '../../helpers/eventually.js';
import {
  startWorkerProcess,
  waitForFinished,
  type WorkerProcess,
} from '../../helpers/worker-process.js';

/** A 2 s lock, renewed every second; stalled jobs come back within a few seconds. */
const LOCK_ENV = {
  TASKREST_LOCK_DURATION_SECONDS: '2',
  TASKREST_STALLED_INTERVAL_SECONDS: '1',
  TASKREST_MAX_STALLED_COUNT: '1',
};

/**
 * A target whose first request is held open and never answered; later ones
 * answer 200. It notes when the held request's connection is closed: the
 * only sign the target has that the worker gave the request up.
 */
interface HoldingTarget extends HttpTestServer {
  /** Requests seen so far. */
  requests(): number;
  firstArrived: Promise<void>;
  /** Resolves with the time the held request's socket closed. */
  firstClosed: Promise<number>;
}

async function startHoldingTarget(): Promise<HoldingTarget> {
  let arrived = () => {};
  let closed = (_at: number) => {};
  const firstArrived = new Promise<void>((resolve) => (arrived = resolve));
  const firstClosed = new Promise<number>((resolve) => (closed = resolve));
  let requests = 0;
  const server = await startHttpTestServer((req, res) => {
    req.resume();
    requests += 1;
    if (requests > 1) return void res.writeHead(200).end('{"ok":true}');
    res.on('close', () => closed(Date.now()));
    arrived();
  });
  return Object.assign(server, { requests: () => requests, firstArrived, firstClosed });
}

/** A worker that loses a job's lock aborts that execution's request at once. */
describe.each([
  ['the lock key is deleted', 'delete'],
  ['the lock is taken by another token', 'take'],
  ['Redis is frozen past the lock', 'freeze'],
] as const)('lock lost: %s', (_name, how) => {
  let redis: OwnRedis | undefined;
  let target: HoldingTarget;
  let config: Config;
  let producer: TaskProducer;
  let queue: TestQueue;
  let finishes: FinishCounter;
  let worker: WorkerProcess | undefined;

  beforeEach(async () => {
    // Freezing needs a redis-server of the test's own; deleting a key does not.
    redis = how === 'freeze' ? await ownRedis() : undefined;
    target = await startHoldingTarget();
    config = testConfig(redis ? { REDIS_URL: redis.url } : {});
    producer = new TaskProducer(producerOptionsOf(config));
    queue = new TestQueue(config);
    finishes = await countFinishes(config);
  });
  afterEach(async () => {
    await worker?.stop('SIGKILL');
    redis?.thaw();
    await finishes.close();
    await producer.close();
    await queue.close();
    await target.close();
    if (redis) await redis.destroy();
    else await deleteTestKeys(config);
  });

  it('the worker aborts the request at once, leaves the job alone, and the job finishes once', async () => {
    worker = await startWorkerProcess(config, LOCK_ENV);
    const { executionId } = await producer.enqueue({ url: `${target.url}/held` });
    const id = String(executionId);
    await target.firstArrived;

    let lostAt: number;
    if (redis) {
      redis.freeze();
      // Longer than the 2 s lock: the lock expires while nothing answers.
      await new Promise((resolve) => setTimeout(resolve, 4000));
      lostAt = Date.now();
      redis.thaw();
    } else {
      const client = new Redis(config.redisUrl);
      const lockKey = `${config.prefix}:${config.queueName}:${id}:lock`;
      try {
        // Taken: as if the stalled check gave the job to another worker (its lock lapses in 2 s too).
        const done =
          how === 'delete'
            ? await client.del(lockKey)
            : await client.set(lockKey, 'another-worker-token', 'PX', 2000, 'XX');
        expect(done).toBeTruthy();
      } finally {
        client.disconnect();
      }
      lostAt = Date.now();
    }

    // Renewal runs every second: the request goes within a few, not minutes.
    const closedAt = await Promise.race([
      target.firstClosed,
      new Promise<never>((_resolve, reject) =>
        setTimeout(() => reject(new Error('the held request was never given up')), 10_000),
      ),
    ]);
    expect(closedAt - lostAt).toBeLessThan(10_000);
    await worker.waitFor(/lock lost: execution aborted/);

    // The job was taken back by the stalled check and run again: it ends completed, once.
    const counts = await waitForFinished(queue, 1, 30_000);
    expect(counts).toMatchObject({ completed: 1, failed: 0, active: 0 });
    const execution = await producer.getExecution(id);
    expect(execution).toMatchObject({ state: 'completed', output: { status: 'success' } });
    await eventually(() => finishes.finishes.size === 1, 'a finish event');
    expect(finishes.finishedTwice()).toEqual([]);
    expect(target.requests()).toBe(2);
  });
});
