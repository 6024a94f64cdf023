import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../shared/config.js';
import { TaskProducer } from '../../../producer/task-producer.js';
import { TestQueue } from '../../helpers/test-queue.js';
import { producerOptionsOf } from '../../../producer/task-producer-options.js';
import { startCountingTarget, type CountingTarget } from '../../helpers/counting-target.js';
import { ownRedis, type OwnRedis } from '../../helpers/own-redis.js';
import { testConfig } from '../../helpers/test-config.js';
import { eventually } from '../../helpers/eventually.js';
import { startWorkerProcess, type WorkerProcess } from '../../helpers/worker-process.js';

/** Redis unreachable when a worker starts. */
describe('Redis down when a worker starts', () => {
  let redis: OwnRedis;
  let target: CountingTarget;
  let config: Config;
  let worker: WorkerProcess | undefined;
  let producer: TaskProducer | undefined;
  let queue: TestQueue | undefined;

  beforeEach(async () => {
    redis = await ownRedis({ running: false });
    target = await startCountingTarget();
    config = testConfig({ REDIS_URL: redis.url });
  });
  afterEach(async () => {
    await worker?.stop('SIGKILL');
    await producer?.close();
    await queue?.close();
    await target.close();
    await redis.destroy();
  });

  it('keeps trying, unready, and starts working when Redis comes', async () => {
    worker = await startWorkerProcess(config);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(worker.child.exitCode).toBeNull();
    const unready = await worker.probe('/readyz');
    expect(unready.status).toBe(503);
    expect(unready.body.reason).toMatch(/Redis/);
    expect((await worker.probe('/livez')).status).toBe(200);

    await redis.start();
    await eventually(async () => (await worker!.probe('/readyz')).status === 200, 'ready');
    producer = new TaskProducer(producerOptionsOf(config));
    queue = new TestQueue(config);
    const { executionId } = await producer.enqueue({ url: `${target.url}/hit/after` });
    const execution = await producer.waitForResult(executionId, { timeoutMs: 15_000 });
    expect(execution).toMatchObject({ state: 'completed', output: { status: 'success' } });
    expect((await queue.getJob(String(executionId)))?.processedBy).toBe(worker.name);
  });
});
