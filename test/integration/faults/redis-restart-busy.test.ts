import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../shared/config.js';
import { TaskProducer } from '../../../producer/task-producer.js';
import { TestQueue } from '../../helpers/test-queue.js';
import { producerOptionsOf } from '../../../producer/task-producer-options.js';
import { startCountingTarget, type CountingTarget } from '../../helpers/counting-target.js';
import { countFinishes, type FinishCounter } from '../../helpers/finish-counter.js';
import { ownRedis, type OwnRedis } from '../../helpers/own-redis.js';
import { testConfig } from '../../helpers/test-config.js';
import {
  eventually,
  startWorkerProcess,
  waitForFinished,
  type WorkerProcess,
} from '../../helpers/worker-process.js';

/** Busy: Redis with AOF killed and restarted while two workers run jobs. */
describe('Redis restarted while workers are busy', () => {
  let redis: OwnRedis;
  let target: CountingTarget;
  let config: Config;
  let producer: TaskProducer;
  let queue: TestQueue;
  let finishes: FinishCounter;
  const workers: WorkerProcess[] = [];

  beforeEach(async () => {
    redis = await ownRedis();
    target = await startCountingTarget();
    config = testConfig({ REDIS_URL: redis.url });
    producer = new TaskProducer(producerOptionsOf(config));
    queue = new TestQueue(config);
    finishes = await countFinishes(config);
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop('SIGKILL')));
    await finishes.close();
    await producer.close();
    await queue.close();
    await target.close();
    await redis.destroy();
  });

  it('every acknowledged job finishes once; the workers reconnect by themselves', async () => {
    const env = {
      WORKER_CONCURRENCY: '8',
      TASKREST_STALLED_INTERVAL_SECONDS: '1',
      TASKREST_LOCK_DURATION_SECONDS: '5',
    };
    workers.push(await startWorkerProcess(config, env), await startWorkerProcess(config, env));
    const before = await producer.enqueueBulk(
      Array.from({ length: 300 }, (_, i) => ({ url: `${target.url}/slow/a${i}?ms=40` })),
    );
    await eventually(
      async () => (await queue.getCompletedCount()) >= 40,
      'some jobs completed before the crash',
    );

    // A crash, not a clean stop: AOF with appendfsync always keeps every acknowledged write.
    await redis.stop('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await redis.start();

    const after = await producer.enqueueBulk(
      Array.from({ length: 50 }, (_, i) => ({ url: `${target.url}/slow/b${i}?ms=40` })),
    );
    const total = before.length + after.length;
    const counts = await waitForFinished(queue, total, 25_000);
    expect(counts).toMatchObject({ completed: total, failed: 0, active: 0, waiting: 0 });
    await eventually(() => finishes.finishes.size === total, 'a finish event per job');
    expect(finishes.finishedTwice()).toEqual([]);
    // Every task reached the target (at least once).
    expect(target.counts.size).toBe(total);
    for (const worker of workers) expect((await worker.probe('/readyz')).status).toBe(200);
  });
});
