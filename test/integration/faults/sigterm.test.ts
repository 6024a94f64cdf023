import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers/eventually.js';
import { waitForFinished } from '../../helpers/worker-process.js';
import { useFaultScene } from '../../helpers/fault-scene.js';

/** SIGTERM to a busy worker. */
describe('SIGTERM to a busy worker', () => {
  const s = useFaultScene();

  it('finishes what fits in the grace period, hands back the rest, exits 0; another worker finishes those', async () => {
    const graceMs = 2000;
    const first = await s.worker({ TASKREST_SHUTDOWN_GRACE_SECONDS: String(graceMs / 1000) });
    const quick = await s.producer.enqueueBulk(
      [0, 1].map((i) => ({ url: `${s.target.url}/slow/quick-${i}?ms=800` })),
    );
    const held = await s.producer.enqueueBulk(
      [0, 1].map((i) => ({ url: `${s.target.url}/hold/held-${i}` })),
    );
    await s.target.waitFor(4);

    const stoppedAt = Date.now();
    const exit = first.stop('SIGTERM');
    await first.waitFor(/"worker stopping"/);
    expect((await first.probe('/readyz')).status).toBe(503);
    // Enqueued after SIGTERM: the stopping worker must not take it.
    const late = await s.producer.enqueue({ url: `${s.target.url}/hit/late` });
    expect(await exit).toBe(0);
    const took = Date.now() - stoppedAt;
    expect(took).toBeGreaterThanOrEqual(graceMs - 100);
    expect(took).toBeLessThan(graceMs + 8000);
    expect(first.output()).toMatch(/grace period over/);
    expect(s.target.counts.get('late')).toBeUndefined();

    // The quick ones finished inside the grace period, by the first worker.
    for (const { executionId } of quick) {
      const job = await s.queue.getJob(String(executionId));
      expect(await job?.getState()).toBe('completed');
      expect(job?.processedBy).toBe(first.name);
    }
    // The held ones were handed back: waiting again, not failed.
    for (const { executionId } of held) {
      expect(await s.queue.getJobState(String(executionId))).toBe('waiting');
    }
    expect(await s.queue.getFailedCount()).toBe(0);

    const second = await s.worker();
    const counts = await waitForFinished(s.queue, 5);
    expect(counts).toMatchObject({ completed: 5, failed: 0, active: 0, waiting: 0 });
    for (const { executionId } of [...held, late]) {
      const job = await s.queue.getJob(String(executionId));
      expect(job?.processedBy).toBe(second.name);
      expect(job?.returnvalue).toMatchObject({ status: 'success' });
    }
    await eventually(() => s.finishes.finishes.size === 5, 'five finish events');
    expect(s.finishes.finishedTwice()).toEqual([]);
  });

  it('an idle worker exits 0 at once', async () => {
    const idle = await s.worker();
    const stoppedAt = Date.now();
    expect(await idle.stop('SIGTERM')).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    expect(idle.output()).toMatch(/"worker stopped"/);
  });
});
