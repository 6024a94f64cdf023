import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCountingTarget, type CountingTarget } from '../helpers/counting-target.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { TEST_REDIS_URL } from '../helpers/test-config.js';
import { waitForFinished } from '../helpers/worker-process.js';

/** Finished jobs are removed by count and by age, so Redis levels off. */
describe('retention', () => {
  let target: CountingTarget;
  let redis: Redis;
  let h: Harness | undefined;

  beforeAll(async () => {
    target = await startCountingTarget();
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    redis.disconnect();
    await target.close();
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /** Keys of one job each (its hash, its log): `<prefix>:<queue>:<id>[:logs]`. */
  async function jobKeyCount(harness: Harness): Promise<number> {
    const pattern = new RegExp(
      `^${escape(harness.config.prefix)}:${harness.config.queueName}:\\d+(:logs)?$`,
    );
    let cursor = '0';
    let count = 0;
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `${harness.config.prefix}:*`,
        'COUNT',
        1000,
      );
      cursor = next;
      count += keys.filter((key) => pattern.test(key)).length;
    } while (cursor !== '0');
    return count;
  }

  it('keeps at most the configured count of completed and failed jobs: the key count levels off', async () => {
    h = startHarness({
      TASKREST_KEEP_COMPLETED_COUNT: '100',
      TASKREST_KEEP_FAILED_COUNT: '50',
    });
    // After each batch of 130 (100 succeed, 30 fail) has run: job keys (hash and log) left.
    const levels: number[] = [];
    for (let batch = 0; batch < 10; batch += 1) {
      await h.producer.enqueueBulk([
        ...Array.from({ length: 100 }, (_, i) => ({ url: `${target.url}/hit/${batch}-${i}` })),
        ...Array.from({ length: 30 }, (_, i) => ({ url: `${target.url}/missing/${batch}-${i}` })),
      ]);
      const until = Date.now() + 20_000;
      await target.waitFor(130 * (batch + 1));
      await waitForFinished(h.queue, Math.min(150, 130 * (batch + 1)));
      while ((await h.queue.getActiveCount()) > 0 && Date.now() < until) await sleep(50);
      levels.push(await jobKeyCount(h));
    }
    expect(target.arrivals.length).toBe(1300);
    const counts = await h.queue.getJobCounts('completed', 'failed', 'active', 'waiting');
    expect(counts).toMatchObject({ completed: 100, failed: 50, active: 0, waiting: 0 });
    // 1,300 jobs ran; at most the 150 kept ones (a hash and a log each) remain, from the second batch on.
    for (const level of levels.slice(1)) expect(level).toBeLessThanOrEqual(2 * (100 + 50));
    expect(levels.at(-1)).toBe(levels.at(-2));
  });

  it('removes completed jobs older than the configured age', async () => {
    h = startHarness({
      TASKREST_KEEP_COMPLETED_SECONDS: '1',
      TASKREST_KEEP_COMPLETED_COUNT: '1000',
    });
    await h.producer.enqueueBulk(
      Array.from({ length: 50 }, (_, i) => ({ url: `${target.url}/hit/old-${i}` })),
    );
    await waitForFinished(h.queue, 50);
    expect(await h.queue.getCompletedCount()).toBe(50);
    await sleep(2100);
    // BullMQ trims by age when a job finishes: one more job sweeps the old ones out.
    await h.run({ url: `${target.url}/hit/new` });
    expect(await h.queue.getCompletedCount()).toBe(1);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
