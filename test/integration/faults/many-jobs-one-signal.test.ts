import { describe, expect, it } from 'vitest';
import { useFaultScene } from '../../helpers/fault-scene.js';
import { waitForFinished } from '../../helpers/worker-process.js';

const CONCURRENCY = 16;

/**
 * A worker running more than ten requests at once: they must not all hang an
 * 'abort' listener on one signal (Node's MaxListenersExceededWarning, "11
 * abort listeners added to [AbortSignal]"), with or without a total timeout.
 */
describe('a worker with all its slots busy', () => {
  const s = useFaultScene();

  it(`runs ${CONCURRENCY} requests at once without an abort-listener warning`, async () => {
    const worker = await s.worker({ WORKER_CONCURRENCY: String(CONCURRENCY) });
    const tasks = Array.from({ length: CONCURRENCY }, (_, i) => ({
      url: `${s.target.url}/hold/busy-${i}`,
      // Half with a total timeout (the adapter's own signal), half without (undici's listener).
      ...(i % 2 === 0 ? { total_timeout: 60 } : {}),
    }));
    await s.producer.enqueueBulk(tasks);
    await s.target.waitFor(CONCURRENCY);
    s.target.release();
    const counts = await waitForFinished(s.queue, CONCURRENCY);
    expect(counts).toMatchObject({ completed: CONCURRENCY, failed: 0 });
    expect(worker.output()).not.toMatch(/MaxListenersExceededWarning/);
  });
});
