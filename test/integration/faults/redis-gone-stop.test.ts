import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../shared/config.js';
import { TaskProducer } from '../../../producer/task-producer.js';
import { producerOptionsOf } from '../../../producer/task-producer-options.js';
import { startCountingTarget, type CountingTarget } from '../../helpers/counting-target.js';
import { ownRedis, type OwnRedis } from '../../helpers/own-redis.js';
import { testConfig } from '../../helpers/test-config.js';
import { startWorkerProcess, type WorkerProcess } from '../../helpers/worker-process.js';

const GRACE_MS = 2000;
/** How long Redis stays away before the stop: a dozen reconnect attempts. */
const OUTAGE_MS = 5000;

/** A stopping worker exits within its grace period plus a few seconds even when Redis is gone. */
describe.each([
  ['idle', false],
  ['running a job', true],
])('SIGTERM to a worker while Redis is gone (%s)', (_name, busy) => {
  let redis: OwnRedis;
  let target: CountingTarget;
  let config: Config;
  let producer: TaskProducer;
  let worker: WorkerProcess | undefined;

  beforeEach(async () => {
    redis = await ownRedis();
    target = await startCountingTarget();
    config = testConfig({ REDIS_URL: redis.url });
    producer = new TaskProducer(producerOptionsOf(config));
  });
  afterEach(async () => {
    await worker?.stop('SIGKILL');
    await producer.close();
    await target.close();
    await redis.destroy();
  });

  it('exits within the grace period plus a few seconds, and says each worker error once, not at every reconnect attempt', async () => {
    worker = await startWorkerProcess(config, {
      TASKREST_SHUTDOWN_GRACE_SECONDS: String(GRACE_MS / 1000),
    });
    if (busy) {
      await producer.enqueue({ url: `${target.url}/hold/held` });
      await target.waitFor(1);
    }
    await producer.close();
    // From before the outage: its first error lines may come with the first connection error.
    const outageFrom = worker.output().length;
    await redis.stop('SIGKILL');
    await worker.waitFor(/Redis connection error/);
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    const outage = worker.output().slice(outageFrom);

    const stoppedAt = Date.now();
    // Killed after 20 s if it hangs: the timing assertion below then fails.
    const code = await worker.stop('SIGTERM', 20_000);
    const took = Date.now() - stoppedAt;
    expect(took, worker.output()).toBeLessThan(GRACE_MS + 8000);
    expect(code).toBe(0);
    expect(worker.output()).toMatch(/"worker stopped"/);
    if (busy) expect(worker.output()).toMatch(/grace period over/);

    // Each reconnect attempt failed on both of BullMQ's connections, and each
    // failure was logged: two identical lines per attempt, every few hundred ms.
    const errorLines = outage.split('\n').filter((line) => line.includes('"worker error"'));
    const messages = errorLines.map((line) => (JSON.parse(line) as { error: string }).error);
    expect(new Set(messages).size).toBeGreaterThan(0);
    // The same message at most once in the outage (repeats are counted, not printed).
    expect(messages.length, outage).toBe(new Set(messages).size);
  }, 60_000);
});
