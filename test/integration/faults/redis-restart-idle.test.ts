import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../shared/config.js';
import { TaskProducer } from '../../../producer/task-producer.js';
import { TestQueue } from '../../helpers/test-queue.js';
import { producerOptionsOf } from '../../../producer/task-producer-options.js';
import { startCountingTarget, type CountingTarget } from '../../helpers/counting-target.js';
import { ownRedis, type OwnRedis } from '../../helpers/own-redis.js';
import { testConfig } from '../../helpers/test-config.js';
import {
  eventually,
  startWorkerProcess,
  waitForFinished,
  type WorkerProcess,
} from '../../helpers/worker-process.js';

/** Idle: Redis with AOF restarted while the workers wait for jobs. */
describe('Redis restarted while workers are idle', () => {
  let redis: OwnRedis;
  let target: CountingTarget;
  let config: Config;
  let producer: TaskProducer;
  let queue: TestQueue;
  const workers: WorkerProcess[] = [];

  beforeEach(async () => {
    redis = await ownRedis();
    target = await startCountingTarget();
    config = testConfig({ REDIS_URL: redis.url });
    producer = new TaskProducer(producerOptionsOf(config));
    queue = new TestQueue(config);
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop('SIGKILL')));
    await producer.close();
    await queue.close();
    await target.close();
    await redis.destroy();
  });

  const readiness = async (worker: WorkerProcess) => (await worker.probe('/readyz')).status;

  it('the workers report unready while Redis is away, reconnect by themselves, and take new jobs', async () => {
    workers.push(await startWorkerProcess(config), await startWorkerProcess(config));
    // A job before the restart: persisted in the AOF, finished before and still there after.
    const { executionId: early } = await producer.enqueue({ url: `${target.url}/hit/early` });
    await waitForFinished(queue, 1);
    for (const worker of workers)
      await eventually(async () => (await readiness(worker)) === 200, 'ready at first');

    await redis.stop('SIGTERM');
    for (const worker of workers) {
      await eventually(async () => (await readiness(worker)) === 503, 'unready without Redis');
      expect((await worker.probe('/readyz')).body.reason).toMatch(/Redis/);
      expect(worker.child.exitCode).toBeNull();
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await redis.start();
    for (const worker of workers)
      await eventually(async () => (await readiness(worker)) === 200, 'ready again');

    expect(await producer.getExecution(early)).toMatchObject({ state: 'completed' });
    await producer.enqueueBulk(
      Array.from({ length: 20 }, (_, i) => ({ url: `${target.url}/hit/late-${i}` })),
    );
    const counts = await waitForFinished(queue, 21);
    expect(counts).toMatchObject({ completed: 21, failed: 0, active: 0, waiting: 0 });
    expect(target.total()).toBe(21);
    // Both came back: each is still listed by BullMQ as a worker of the queue.
    const names = (await queue.getWorkers()).map((w) => w.rawname);
    for (const worker of workers)
      expect(names).toContain(`${config.prefix}:${btoa(config.queueName)}:w:${worker.name}`);
  });
});
