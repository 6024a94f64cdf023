import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers/eventually.js';
import { startWorkerProcess, waitForFinished } from '../../helpers/worker-process.js';
import { useFaultScene } from '../../helpers/fault-scene.js';

const JOBS = 2000;

/** Several worker processes on one queue (throughput is the benchmark's matter). */
describe('four worker processes on one queue', () => {
  const s = useFaultScene();

  it(`run ${JOBS} jobs, each exactly once, shared among all four`, async () => {
    s.workers.push(...(await Promise.all([0, 1, 2, 3].map(() => startWorkerProcess(s.config)))));
    for (const worker of s.workers)
      await eventually(async () => (await worker.probe('/readyz')).status === 200, 'ready');
    expect(await s.queue.getWorkersCount()).toBe(4);

    const ids = await s.producer.enqueueBulk(
      Array.from({ length: JOBS }, (_, i) => ({ url: `${s.target.url}/hit/${i}` })),
    );
    const counts = await waitForFinished(s.queue, JOBS, 25_000);
    expect(counts).toMatchObject({ completed: JOBS, failed: 0, active: 0, waiting: 0 });

    // The target counted one request per task, none twice.
    expect(s.target.counts.size).toBe(JOBS);
    expect([...s.target.counts.values()].every((n) => n === 1)).toBe(true);
    await eventually(() => s.finishes.finishes.size === JOBS, 'a finish event per job');
    expect(s.finishes.finishedTwice()).toEqual([]);

    // Who ran what: BullMQ records the worker's name (host:pid) on each job.
    const perWorker = new Map<string, number>();
    const jobs = await s.queue.getJobs(['completed'], 0, JOBS);
    for (const job of jobs)
      perWorker.set(job.processedBy ?? '?', (perWorker.get(job.processedBy ?? '?') ?? 0) + 1);
    expect(ids).toHaveLength(JOBS);
    expect(jobs).toHaveLength(JOBS);
    expect([...perWorker.keys()].sort()).toEqual(s.workers.map((w) => w.name).sort());
    expect([...perWorker.values()].reduce((a, b) => a + b, 0)).toBe(JOBS);
    // Each process's own count (its /readyz) agrees with what the jobs say.
    for (const worker of s.workers) {
      expect((await worker.probe('/readyz')).body.finishedJobs).toBe(perWorker.get(worker.name));
    }
    console.info('jobs per worker process:', Object.fromEntries(perWorker));
  });
});
