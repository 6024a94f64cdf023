import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers/eventually.js';
import { useFaultScene } from '../../helpers/fault-scene.js';
import { waitForFinished } from '../../helpers/worker-process.js';

/** Busy: Redis with AOF killed and restarted while two workers run jobs. */
describe('Redis restarted while workers are busy', () => {
  const s = useFaultScene(
    {
      WORKER_CONCURRENCY: '8',
      TASKREST_STALLED_INTERVAL_SECONDS: '1',
      TASKREST_LOCK_DURATION_SECONDS: '5',
    },
    { ownRedis: true },
  );

  it('every acknowledged job finishes once; the workers reconnect by themselves', async () => {
    await s.worker();
    await s.worker();
    const before = await s.producer.enqueueBulk(
      Array.from({ length: 300 }, (_, i) => ({ url: `${s.target.url}/slow/a${i}?ms=40` })),
    );
    await eventually(
      async () => (await s.queue.getCompletedCount()) >= 40,
      'some jobs completed before the crash',
    );

    // A crash, not a clean stop: AOF with appendfsync always keeps every acknowledged write.
    await s.redis.stop('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await s.redis.start();

    const after = await s.producer.enqueueBulk(
      Array.from({ length: 50 }, (_, i) => ({ url: `${s.target.url}/slow/b${i}?ms=40` })),
    );
    const total = before.length + after.length;
    const counts = await waitForFinished(s.queue, total, 25_000);
    expect(counts).toMatchObject({ completed: total, failed: 0, active: 0, waiting: 0 });
    await eventually(() => s.finishes.finishes.size === total, 'a finish event per job');
    expect(s.finishes.finishedTwice()).toEqual([]);
    // Every task reached the target (at least once).
    expect(s.target.counts.size).toBe(total);
    for (const worker of s.workers) expect((await worker.probe('/readyz')).status).toBe(200);
  });
});
