/**
 * Throughput, latency, RSS and Redis memory of a queue consumer: the no-op
 * BullMQ worker, the bare peer, or real `taskrest worker` processes fed by the
 * taskrest producer. Everything against the benchmark's own Redis and target.
 */
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { TaskProducer } from '../producer/task-producer.js';
import { DIST, startProcess, targetCount, type BenchProcess } from './processes.js';
import { median, percentile, sleep } from './stats.js';

export type System = 'noop' | 'peer' | 'taskrest';

export interface RunSpec {
  system: System;
  workers: number;
  concurrency: number;
  bodyBytes: number;
  jobs: number;
  reps: number;
  latencySeconds: number;
  redisUrl: string;
  targetUrl: string;
}

export interface RunResult {
  system: System;
  workers: number;
  concurrency: number;
  bodyBytes: number;
  jobs: number;
  /** jobs/s of each repetition, and their median. */
  throughputs: number[];
  throughput: number;
  latency?: { rate: number; jobs: number; p50Ms: number; p99Ms: number };
  /** Mean peak RSS of the worker processes, in bytes. */
  rssBytes: number;
  /** Redis used_memory growth per retained completed job, in bytes. */
  redisBytesPerJob: number;
  /** Sanity: completed, failed and requests the target saw, over all runs. */
  checks: { completed: number; failed: number; requests: number; expected: number };
}

/** What feeds jobs to the system under test. */
interface Feeder {
  queue: Queue;
  add(count: number): Promise<string[]>;
  close(): Promise<void>;
}

const PREFIX: Record<System, string> = { noop: 'bull', peer: 'bull', taskrest: '{bench}' };

export async function measure(spec: RunSpec): Promise<RunResult> {
  const queueName = `bench-${spec.system}-${spec.workers}w-${spec.concurrency}c-${spec.bodyBytes}b`;
  const url = `${spec.targetUrl}/bytes/${spec.bodyBytes}`;
  const redis = new Redis(spec.redisUrl);
  await redis.flushall();
  const feeder = createFeeder(spec, queueName, url);
  const processes = await startWorkers(spec, queueName);
  const requestsBefore = await targetCount(spec.targetUrl);
  const memoryBefore = await usedMemory(redis);
  let expected = 0;
  try {
    const throughputs: number[] = [];
    for (let rep = 0; rep < spec.reps; rep++) {
      // Fill a paused queue, then time the workers alone: the producer's own
      // cost is measured separately (bulk enqueue).
      await feeder.queue.pause();
      await feeder.add(spec.jobs);
      expected += spec.jobs;
      const begin = performance.now();
      await feeder.queue.resume();
      await drained(feeder.queue, expected);
      throughputs.push(spec.jobs / ((performance.now() - begin) / 1000));
    }
    const throughput = median(throughputs);
    const memoryAfter = await usedMemory(redis);
    const latency =
      spec.latencySeconds > 0
        ? await fixedRateLatency(feeder, throughput / 2, spec.latencySeconds)
        : undefined;
    if (latency) expected += latency.jobs;
    await drained(feeder.queue, expected);
    const counts = await feeder.queue.getJobCounts('completed', 'failed');
    const requests = (await targetCount(spec.targetUrl)) - requestsBefore;
    const rss = processes.map((p) => p.peakRss());
    return {
      system: spec.system,
      workers: spec.workers,
      concurrency: spec.concurrency,
      bodyBytes: spec.bodyBytes,
      jobs: spec.jobs,
      throughputs,
      throughput,
      ...(latency ? { latency } : {}),
      rssBytes: rss.reduce((a, b) => a + b, 0) / rss.length,
      redisBytesPerJob: (memoryAfter - memoryBefore) / (spec.jobs * spec.reps),
      checks: {
        completed: counts.completed ?? 0,
        failed: counts.failed ?? 0,
        requests: spec.system === 'noop' ? expected : requests,
        expected,
      },
    };
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await feeder.close();
    await redis.flushall();
    redis.disconnect();
  }
}

async function startWorkers(spec: RunSpec, queueName: string): Promise<BenchProcess[]> {
  const start = () =>
    spec.system === 'taskrest'
      ? startProcess(
          `${DIST}/bin/taskrest.js`,
          ['worker'],
          {
            REDIS_URL: spec.redisUrl,
            TASKREST_QUEUE: queueName,
            TASKREST_PREFIX: PREFIX.taskrest,
            WORKER_CONCURRENCY: String(spec.concurrency),
            // Keep every job, as the bare peer does, so both do the same Redis work.
            TASKREST_KEEP_COMPLETED_COUNT: '10000000',
            TASKREST_LOG_LEVEL: 'info',
          },
          /worker started/,
        )
      : startProcess(
          `${DIST}/bench/peer-worker.js`,
          [],
          {
            REDIS_URL: spec.redisUrl,
            QUEUE: queueName,
            PREFIX: PREFIX[spec.system],
            CONCURRENCY: String(spec.concurrency),
            MODE: spec.system === 'noop' ? 'noop' : 'axios',
          },
          /ready/,
        );
  return Promise.all(Array.from({ length: spec.workers }, start));
}

function createFeeder(spec: RunSpec, queueName: string, url: string): Feeder {
  if (spec.system === 'taskrest') {
    const connection = new Redis(spec.redisUrl, { maxRetriesPerRequest: null });
    const producer = new TaskProducer({
      redisUrl: spec.redisUrl,
      queue: queueName,
      prefix: PREFIX.taskrest,
      keepCompleted: { count: 10_000_000 },
    });
    // The bench pauses, resumes and counts through a Queue of its own.
    const queue = new Queue(queueName, { connection, prefix: PREFIX.taskrest });
    return {
      queue,
      add: async (count) => {
        const ids: string[] = [];
        for (let left = count; left > 0; left -= 1000) {
          const batch = Array.from({ length: Math.min(1000, left) }, () => ({ url }));
          const added = await producer.enqueueBulk(batch);
          ids.push(...added.map((a) => String(a.executionId)));
        }
        return ids;
      },
      close: async () => {
        await producer.close();
        await queue.close();
        connection.disconnect();
      },
    };
  }
  const connection = new Redis(spec.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(queueName, { connection, prefix: PREFIX[spec.system] });
  return {
    queue,
    add: async (count) => {
      const ids: string[] = [];
      for (let left = count; left > 0; left -= 1000) {
        const jobs = await queue.addBulk(
          Array.from({ length: Math.min(1000, left) }, () => ({ name: 'get', data: { url } })),
        );
        ids.push(...jobs.map((j) => j.id ?? ''));
      }
      return ids;
    },
    close: async () => {
      await queue.close();
      connection.disconnect();
    },
  };
}

/** Waits until `expected` jobs finished in all (and none waits or runs). */
async function drained(queue: Queue, expected: number): Promise<void> {
  const until = Date.now() + 300_000;
  while (Date.now() < until) {
    const c = await queue.getJobCounts('completed', 'failed');
    if ((c.completed ?? 0) + (c.failed ?? 0) >= expected) return;
    await sleep(20);
  }
  throw new Error(`queue ${queue.name} did not drain`);
}

/** Enqueues at `rate` jobs/s for `seconds`, then reads each job's enqueue-to-finish time. */
async function fixedRateLatency(
  feeder: Feeder,
  rate: number,
  seconds: number,
): Promise<NonNullable<RunResult['latency']>> {
  const tickMs = 10;
  const ids: string[] = [];
  const begin = performance.now();
  let sent = 0;
  while (performance.now() - begin < seconds * 1000) {
    const due = Math.floor(((performance.now() - begin) / 1000) * rate);
    if (due > sent) {
      ids.push(...(await feeder.add(due - sent)));
      sent = due;
    }
    await sleep(tickMs);
  }
  const latencies: number[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const jobs = await Promise.all(ids.slice(i, i + 500).map((id) => Job.fromId(feeder.queue, id)));
    const finishedIn = async (job: Job | undefined, id: string): Promise<number> => {
      for (let tries = 0; tries < 3000 && !job?.finishedOn; tries++) {
        await sleep(10);
        job = await Job.fromId(feeder.queue, id);
      }
      return job!.finishedOn! - job!.timestamp;
    };
    latencies.push(...(await Promise.all(jobs.map((job, k) => finishedIn(job, ids[i + k]!)))));
  }
  return {
    rate: Math.round(rate),
    jobs: ids.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}
