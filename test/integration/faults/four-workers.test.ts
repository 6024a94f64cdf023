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

const JOBS = 2000;

/** RELIABILITY 6: several worker processes on one queue (throughput is the benchmark's matter). */
describe('four worker processes on one queue', () => {
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

  it(`run ${JOBS} jobs, each exactly once, shared among all four`, async () => {
    workers.push(...(await Promise.all([0, 1, 2, 3].map(() => startWorkerProcess(config)))));
    for (const worker of workers)
      await eventually(async () => (await worker.probe('/readyz')).status === 200, 'ready');
    expect(await producer.queue.getWorkersCount()).toBe(4);

    const ids = await producer.enqueueBulk(
      Array.from({ length: JOBS }, (_, i) => ({ url: `${target.url}/hit/${i}` })),
    );
    const counts = await waitForFinished(producer.queue, JOBS, 25_000);
    expect(counts).toMatchObject({ completed: JOBS, failed: 0, active: 0, waiting: 0 });

    // The target counted one request per task, none twice.
    expect(target.counts.size).toBe(JOBS);
    expect([...target.counts.values()].every((n) => n === 1)).toBe(true);
    await eventually(() => finishes.finishes.size === JOBS, 'a finish event per job');
    expect(finishes.finishedTwice()).toEqual([]);

    // Who ran what: BullMQ records the worker's name (host:pid) on each job.
    const perWorker = new Map<string, number>();
    const jobs = await producer.queue.getJobs(['completed'], 0, JOBS);
    for (const job of jobs)
      perWorker.set(job.processedBy ?? '?', (perWorker.get(job.processedBy ?? '?') ?? 0) + 1);
    expect(ids).toHaveLength(JOBS);
    expect(jobs).toHaveLength(JOBS);
    expect([...perWorker.keys()].sort()).toEqual(workers.map((w) => w.name).sort());
    expect([...perWorker.values()].reduce((a, b) => a + b, 0)).toBe(JOBS);
    // Each process's own count (its /readyz) agrees with what the jobs say.
    for (const worker of workers) {
      expect((await worker.probe('/readyz')).body.finishedJobs).toBe(perWorker.get(worker.name));
    }
    console.info('jobs per worker process:', Object.fromEntries(perWorker));
  });
});
