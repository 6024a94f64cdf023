import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../shared/config.js';
import { TaskProducer } from '../../../producer/task-producer.js';
import { startCountingTarget, type CountingTarget } from '../../helpers/counting-target.js';
import { countFinishes, type FinishCounter } from '../../helpers/finish-counter.js';
import { deleteTestKeys, testConfig } from '../../helpers/test-config.js';
import {
  eventually,
  startWorkerProcess,
  waitForFinished,
  type WorkerProcess,
} from '../../helpers/worker-process.js';

/** RELIABILITY 2: SIGTERM to a busy worker. */
describe('SIGTERM to a busy worker', () => {
  let target: CountingTarget;
  let config: Config;
  let producer: TaskProducer;
  let finishes: FinishCounter;
  const workers: WorkerProcess[] = [];

  beforeEach(async () => {
    target = await startCountingTarget();
    config = testConfig();
    producer = new TaskProducer({ config });
    finishes = await countFinishes(config);
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop('SIGKILL')));
    await finishes.close();
    await producer.close();
    await target.close();
    await deleteTestKeys(config);
  });

  async function worker(env: Record<string, string> = {}): Promise<WorkerProcess> {
    const started = await startWorkerProcess(config, env);
    workers.push(started);
    return started;
  }

  it('finishes what fits in the grace period, hands back the rest, exits 0; another worker finishes those', async () => {
    const graceMs = 2000;
    const first = await worker({ TASKREST_SHUTDOWN_GRACE_SECONDS: String(graceMs / 1000) });
    const quick = await producer.enqueueBulk(
      [0, 1].map((i) => ({ url: `${target.url}/slow/quick-${i}?ms=800` })),
    );
    const held = await producer.enqueueBulk(
      [0, 1].map((i) => ({ url: `${target.url}/hold/held-${i}` })),
    );
    await target.waitForRequests(4);

    const stoppedAt = Date.now();
    const exit = first.stop('SIGTERM');
    await first.waitFor(/"worker stopping"/);
    expect((await first.probe('/readyz')).status).toBe(503);
    // Enqueued after SIGTERM: the stopping worker must not take it.
    const late = await producer.enqueue({ url: `${target.url}/hit/late` });
    expect(await exit).toBe(0);
    const took = Date.now() - stoppedAt;
    expect(took).toBeGreaterThanOrEqual(graceMs - 100);
    expect(took).toBeLessThan(graceMs + 8000);
    expect(first.output()).toMatch(/grace period over/);
    expect(target.counts.get('late')).toBeUndefined();

    // The quick ones finished inside the grace period, by the first worker.
    for (const { executionId } of quick) {
      const job = await producer.queue.getJob(String(executionId));
      expect(await job?.getState()).toBe('completed');
      expect(job?.processedBy).toBe(first.name);
    }
    // The held ones were handed back: waiting again, not failed.
    for (const { executionId } of held) {
      expect(await producer.queue.getJobState(String(executionId))).toBe('waiting');
    }
    expect(await producer.queue.getFailedCount()).toBe(0);

    const second = await worker();
    const counts = await waitForFinished(producer.queue, 5);
    expect(counts).toMatchObject({ completed: 5, failed: 0, active: 0, waiting: 0 });
    for (const { executionId } of [...held, late]) {
      const job = await producer.queue.getJob(String(executionId));
      expect(job?.processedBy).toBe(second.name);
      expect(job?.returnvalue).toMatchObject({ status: 'success' });
    }
    await eventually(() => finishes.finishes.size === 5, 'five finish events');
    expect(finishes.finishedTwice()).toEqual([]);
  });

  it('an idle worker exits 0 at once', async () => {
    const idle = await worker();
    const stoppedAt = Date.now();
    expect(await idle.stop('SIGTERM')).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    expect(idle.output()).toMatch(/"worker stopped"/);
  });
});
