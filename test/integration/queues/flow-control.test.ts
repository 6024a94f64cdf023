import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../shared/config.js';
import { TaskProducer } from '../../../producer/task-producer.js';
import { producerOptionsOf } from '../../../producer/task-producer-options.js';
import { eventually } from '../../helpers/eventually.js';
import {
  startScriptedTarget,
  type Arrival,
  type ScriptedTarget,
} from '../../helpers/scripted-target.js';
import { deleteTestKeys, testConfig } from '../../helpers/test-config.js';
import { TestQueue } from '../../helpers/test-queue.js';
import { startWorkerProcess, type WorkerProcess } from '../../helpers/worker-process.js';

/** Answers 200 after `?ms=N` milliseconds (at once without), so that a task holds its slot that long. */
const answerAfterMs = (arrival: Arrival) => ({ delayMs: Number(arrival.query.get('ms') ?? 0) });

/**
 * Flow control of named queues across two real worker processes: the limits
 * live in BullMQ's queue meta in Redis, so they hold for both processes
 * together and change without restarts. The workers consume every queue
 * (no TASKREST_QUEUES): each test's queue is created while they run.
 */
describe('queue flow control across two worker processes', () => {
  let config: Config;
  let producer: TaskProducer;
  let target: ScriptedTarget;
  let workers: WorkerProcess[] = [];
  const looks: TestQueue[] = [];

  beforeAll(async () => {
    config = testConfig();
    producer = new TaskProducer(producerOptionsOf(config));
    target = await startScriptedTarget({ reply: answerAfterMs });
    workers = await Promise.all([
      startWorkerProcess(config, { WORKER_CONCURRENCY: '16' }),
      startWorkerProcess(config, { WORKER_CONCURRENCY: '16' }),
    ]);
    // Warm both processes up (modules loaded, connections to the target open),
    // so that arrival times measure the queues, not a first request's set-up.
    const warm = new TestQueue(config);
    looks.push(warm);
    await producer.enqueueBulk(tasks('/warm', 40, 50));
    await eventually(async () => {
      const done = await warm.getJobs(['completed'], 0, 100);
      return done.length === 40 && new Set(done.map((job) => job.processedBy)).size === 2;
    }, 'both processes warmed up');
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
    await Promise.all(looks.map((queue) => queue.close()));
    await producer?.close();
    await target?.close();
    if (config) await deleteTestKeys(config);
  });

  /** Creates the queue and waits until both worker processes consume it (they poll the registry). */
  async function newQueue(name: string, settings: Parameters<TaskProducer['queues']['set']>[1]) {
    const startedAt = performance.now();
    await producer.queues.set(name, settings);
    const look = new TestQueue(config, name);
    looks.push(look);
    await eventually(async () => (await look.getWorkersCount()) >= 2, `both workers on ${name}`);
    const pickedUpMs = performance.now() - startedAt;
    expect(pickedUpMs, 'a new queue is consumed within 5 s').toBeLessThan(5000);
    return look;
  }

  const tasks = (prefix: string, n: number, ms = 0) =>
    Array.from({ length: n }, (_, i) => ({ url: `${target.url}${prefix}/${i}?ms=${ms}` }));

  it('a queue limited to 5/s: 25 tasks through 2 processes never arrive faster', async () => {
    await newQueue('rate', { rate_limit: { max: 5, per_seconds: 1 } });
    await producer.enqueueBulk(tasks('/rate', 25), { queue: 'rate' });
    const arrivals = await target.waitFor(25, { prefix: '/rate/', timeoutMs: 60_000 });
    const times = arrivals.map((a) => a.at).sort((a, b) => a - b);
    // In any window shorter than the limit's second, at most 5. The slack
    // (250 ms) is the time between BullMQ handing a job out and its request
    // arriving, which varies: a process's first request opens its connection.
    const windowMs = 1000 - 250;
    let densest = 0;
    for (const start of times) {
      densest = Math.max(densest, times.filter((t) => t >= start && t < start + windowMs).length);
    }
    console.log(
      `rate 5/s: densest ${windowMs} ms window held ${densest}; arrivals at ms`,
      times.map((t) => Math.round(t - times[0]!)).join(' '),
    );
    expect(densest).toBeLessThanOrEqual(5);
    // Five windows of five: at least four full seconds between the first and the last.
    expect(times.at(-1)! - times[0]!).toBeGreaterThan(3500);
    // Both processes took part (the limit is global, not per process).
    const look = new TestQueue(config, 'rate');
    looks.push(look);
    const done = await look.getJobs(['completed'], 0, 100);
    expect(new Set(done.map((job) => job.processedBy)).size).toBe(2);
  });

  it('max_concurrency 2 across 2 processes: the target never sees more than 2 in flight', async () => {
    await newQueue('narrow', { max_concurrency: 2 });
    await producer.enqueueBulk(tasks('/narrow', 12, 300), { queue: 'narrow' });
    const arrivals = await target.waitFor(12, { prefix: '/narrow/', timeoutMs: 60_000 });
    const most = Math.max(...arrivals.map((a) => a.inFlight));
    console.log(`max_concurrency 2: at most ${most} in flight`);
    expect(most).toBeLessThanOrEqual(2);
    expect(most).toBe(2);
  });

  it('pause holds every task back; resume releases them', async () => {
    const look = await newQueue('held', { paused: true });
    await producer.enqueueBulk(tasks('/held', 5), { queue: 'held' });
    expect((await producer.queues.get('held')).paused).toBe(true);
    // A measurement, not a wait for something: nothing may arrive in these 2 s.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(target.arrivalsOf({ prefix: '/held/' })).toHaveLength(0);
    expect(await look.getJobCountByTypes('wait')).toBe(5);
    await producer.queues.resume('held');
    await target.waitFor(5, { prefix: '/held/' });
    expect((await producer.queues.get('held')).paused).toBe(false);
  });

  it('a limit changed while tasks run takes effect without a restart', async () => {
    await newQueue('live', { max_concurrency: 1 });
    await producer.enqueueBulk(tasks('/live', 24, 200), { queue: 'live' });
    await target.waitFor(3, { prefix: '/live/' });
    const before = target.arrivalsOf({ prefix: '/live/' });
    expect(Math.max(...before.map((a) => a.inFlight))).toBe(1);
    const changedAt = performance.now();
    await producer.queues.set('live', { max_concurrency: 4 });
    const all = await target.waitFor(24, { prefix: '/live/', timeoutMs: 60_000 });
    const after = all.filter((a) => a.at > changedAt);
    const most = Math.max(...after.map((a) => a.inFlight));
    console.log(`max_concurrency 1 → 4 while running: ${most} in flight after the change`);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(4);
  });
});
