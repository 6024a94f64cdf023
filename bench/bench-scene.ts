/**
 * The scene of one measurement: an empty Redis, the feeder that enqueues
 * the jobs (the system's own producer), fresh worker processes (and, with
 * the history recorded, a recorder and its database), and what is read
 * around them: the sanity checks, Redis memory, and where the wall-clock
 * time went.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { commandOf, producerOf, THIS_BUILD, type Build } from './build-revision.js';
import { DIST, startProcess, targetCount, type BenchProcess } from './processes.js';
import type { Checks, RunSpec, System } from './queue-runs.js';
import { startRecordedHistory, type RecordedHistory } from './recorded-history.js';
import { sleep } from './stats.js';

/** What feeds jobs to the system under test. */
export interface Feeder {
  queue: Queue;
  add(count: number): Promise<string[]>;
  close(): Promise<void>;
}

const PREFIX: Record<System, string> = { noop: 'bull', peer: 'bull', taskrest: '{bench}' };

/**
 * Where the wall-clock time of the measurements went, in ms, summed since the
 * last `takeSceneTimes()`: setting a scene up (empty Redis, the feeder, fresh
 * workers), filling the paused queue (which runs while the workers start, so
 * it is also part of setup), the fresh workers' untimed warm-up, the timed
 * part (warm-up's end to drained, or the fixed-rate latency run), and
 * tearing it down. The run logs it per phase.
 */
export interface SceneTimes {
  setup: number;
  fill: number;
  warmup: number;
  timed: number;
  teardown: number;
}

let times: SceneTimes = { setup: 0, fill: 0, warmup: 0, timed: 0, teardown: 0 };

/** The scene times since the last call, and starts counting anew. */
export function takeSceneTimes(): SceneTimes {
  const taken = times;
  times = { setup: 0, fill: 0, warmup: 0, timed: 0, teardown: 0 };
  return taken;
}

/** Adds the time since `since` to `part`; returns now. */
export function lap(part: keyof SceneTimes, since: number): number {
  const now = performance.now();
  times[part] += now - since;
  return now;
}

export interface Scene {
  redis: Redis;
  feeder: Feeder;
  processes: BenchProcess[];
  /** Redis used_memory before the workers started and the queue was filled. */
  memoryBefore: number;
  /** The prefilled jobs' ids, in the order they were added. */
  ids: string[];
  /** The recorder and its database, with `history: 'recorded'`. */
  history: RecordedHistory | undefined;
}

/**
 * Empties Redis, creates the feeder, and starts fresh workers; with
 * `prefill`, pauses the queue and fills it with that many jobs while the
 * workers start (both untimed: the worker's start-up and the producer's
 * enqueue then share the machine instead of taking turns).
 */
export async function withScene<T>(
  spec: RunSpec,
  { prefill }: { prefill: number },
  use: (scene: Scene) => Promise<T>,
): Promise<T> {
  const queueName = `bench-${spec.workers}w-${spec.concurrency}c-${spec.bodyBytes}b-${spec.delayMs ?? 0}ms`;
  const settingUp = performance.now();
  const redis = new Redis(spec.redisUrl);
  await redis.flushall();
  const delay = spec.delayMs ? `?delay=${spec.delayMs}` : '';
  const feeder = await createFeeder(
    spec,
    queueName,
    `${spec.targetUrl}/bytes/${spec.bodyBytes}${delay}`,
  );
  const memoryBefore = await usedMemory(redis);
  if (prefill > 0) await feeder.queue.pause();
  const history =
    spec.history === 'recorded'
      ? await startRecordedHistory(buildOf(spec).dist, taskrestEnv(spec, queueName))
      : undefined;
  const starting = startWorkers(spec, queueName, history?.url);
  try {
    const filling = performance.now();
    const [processes, ids = []] = await Promise.all([
      starting,
      prefill > 0
        ? feeder.add(prefill).then((added) => {
            lap('fill', filling);
            return added;
          })
        : undefined,
    ]);
    lap('setup', settingUp);
    return await use({ redis, feeder, processes, memoryBefore, ids, history });
  } finally {
    const tearingDown = performance.now();
    const processes = await starting.catch(() => []);
    await Promise.all(processes.map((p) => p.stop()));
    await history?.close();
    await feeder.close();
    await redis.flushall();
    redis.disconnect();
    lap('teardown', tearingDown);
  }
}

export async function checksOf(
  spec: RunSpec,
  queue: Queue,
  requestsBefore: number,
  expected: number,
  history: RecordedHistory | undefined,
): Promise<Checks> {
  const counts = await queue.getJobCounts('completed', 'failed');
  const requests = (await targetCount(spec.targetUrl)) - requestsBefore;
  return {
    completed: counts.completed ?? 0,
    failed: counts.failed ?? 0,
    requests: spec.system === 'noop' ? expected : requests,
    expected,
    ...(history ? { recorded: await history.recorded(expected) } : {}),
  };
}

/** The build a taskrest spec runs (this checkout's unless told). */
function buildOf(spec: RunSpec): Build {
  return spec.build ?? THIS_BUILD;
}

function taskrestEnv(
  spec: RunSpec,
  queueName: string,
  historyUrl?: string,
): Record<string, string> {
  return {
    REDIS_URL: spec.redisUrl,
    TASKREST_QUEUE: queueName,
    TASKREST_PREFIX: PREFIX.taskrest,
    WORKER_CONCURRENCY: String(spec.concurrency),
    // Keep every job, as the bare peer does, so both do the same Redis work.
    TASKREST_KEEP_COMPLETED_COUNT: '10000000',
    TASKREST_LOG_LEVEL: 'info',
    ...(historyUrl ? { TASKREST_HISTORY_URL: historyUrl } : {}),
  };
}

/** Starts the workers; when one fails to start, stops the others and rejects. */
async function startWorkers(
  spec: RunSpec,
  queueName: string,
  historyUrl: string | undefined,
): Promise<BenchProcess[]> {
  const start = () =>
    spec.system === 'taskrest'
      ? startProcess(
          commandOf((spec.build ?? THIS_BUILD).dist),
          ['worker'],
          taskrestEnv(spec, queueName, historyUrl),
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
  const started = await Promise.allSettled(Array.from({ length: spec.workers }, start));
  const up = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r) => r.status === 'rejected');
  if (!failed) return up;
  await Promise.all(up.map((p) => p.stop()));
  throw failed.reason;
}

async function createFeeder(spec: RunSpec, queueName: string, url: string): Promise<Feeder> {
  const connection = new Redis(spec.redisUrl, { maxRetriesPerRequest: null });
  // The bench pauses, resumes and counts through a Queue of its own.
  const queue = new Queue(queueName, { connection, prefix: PREFIX[spec.system] });
  const close = async () => {
    await queue.close();
    connection.disconnect();
  };
  if (spec.system === 'taskrest') {
    const producer = await producerOf(buildOf(spec), taskrestEnv(spec, queueName));
    return {
      queue,
      add: (count) =>
        inBatches(count, async (n) => {
          const added = await producer.enqueueBulk(new Array<object>(n).fill({ url }));
          return added.map((a) => String(a.executionId));
        }),
      close: async () => {
        await producer.close();
        await close();
      },
    };
  }
  return {
    queue,
    add: (count) =>
      inBatches(count, async (n) => {
        const jobs = await queue.addBulk(
          Array.from({ length: n }, () => ({ name: 'get', data: { url } })),
        );
        return jobs.map((j) => j.id ?? '');
      }),
    close,
  };
}

/** Adds `count` jobs through `add`, 1,000 at a time; the ids in order. */
export async function inBatches(
  count: number,
  add: (n: number) => Promise<string[]>,
): Promise<string[]> {
  const ids: string[] = [];
  for (let left = count; left > 0; left -= 1000) ids.push(...(await add(Math.min(1000, left))));
  return ids;
}

/**
 * Waits until at least `count` jobs finished; returns how many had when that
 * was seen (polled often: the count seen is where a timed part begins).
 */
export async function finishedAtLeast(queue: Queue, count: number, pollMs = 5): Promise<number> {
  const until = Date.now() + 300_000;
  while (Date.now() < until) {
    const c = await queue.getJobCounts('completed', 'failed');
    const finished = (c.completed ?? 0) + (c.failed ?? 0);
    if (finished >= count) return finished;
    await sleep(pollMs);
  }
  throw new Error(`queue ${queue.name}: ${count} jobs did not finish`);
}

/** Waits until `expected` jobs finished in all (and none waits or runs). */
export async function drained(queue: Queue, expected: number): Promise<void> {
  await finishedAtLeast(queue, expected, 20);
}

/**
 * Redis used_memory without its cache of Lua scripts (the scripts stay
 * cached across FLUSHALL, so only the first scene to load them would pay for
 * them) and without the clients' buffers (read while the workers run, their
 * connections' buffers would count).
 */
export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_memory') - field('used_memory_scripts_eval') - field('mem_clients_normal');
}
