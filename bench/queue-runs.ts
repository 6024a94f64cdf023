/**
 * Throughput, latency, RSS and Redis memory of a queue consumer: the no-op
 * BullMQ worker, the bare peer, or real `taskrest worker` processes of a
 * build fed by that build's own library. Everything against the benchmark's
 * own Redis and target; every measurement starts fresh workers on an empty
 * Redis, so that repetitions of different systems can alternate, and warms
 * them up with `warmupJobs` untimed jobs first: a fresh Node.js process
 * takes a few thousand jobs to reach its speed (measured: the rate climbs
 * for about 2.5 s at full load, for the bare peer and taskrest alike), and
 * a worker runs for days.
 */
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { commandOf, producerOf, THIS_BUILD, type Build } from './build-revision.js';
import { DIST, startProcess, targetCount, type BenchProcess } from './processes.js';
import { cpuShares, medianShares, readCpu, type CpuShares } from './cpu-ledger.js';
import { startRecordedHistory, type RecordedHistory } from './recorded-history.js';
import { median, percentile, sleep } from './stats.js';

export type System = 'noop' | 'peer' | 'taskrest';

export interface RunSpec {
  system: System;
  /** For taskrest: the build to run (default this checkout). */
  build?: Build;
  /**
   * For taskrest: `recorded`, the history as deployed (TASKREST_HISTORY_URL
   * set: each ended execution's record goes to its queue's Redis stream, and
   * a `taskrest api` process's recorder moves it into a fresh PostgreSQL
   * database; the API's CPU is not counted as the workers'); unset, no
   * history.
   */
  history?: 'recorded';
  workers: number;
  concurrency: number;
  bodyBytes: number;
  /** How long the target takes to answer, in ms (0: at once). */
  delayMs?: number;
  /** Jobs each measurement times. */
  jobs: number;
  /** Jobs run first, untimed, by the fresh workers (JIT warm-up). */
  warmupJobs: number;
  redisUrl: string;
  /** The Redis server's process, to read its CPU apart from the rest of the machine's. */
  redisPid?: number | undefined;
  targetUrl: string;
}

/** One repetition's figures. */
export interface Sample {
  /** jobs/s of the timed jobs: from the warm-up's end until the queue drained. */
  throughput: number;
  /** Mean peak RSS of the worker processes, in bytes. */
  rssBytes: number;
  /** The worker processes' CPU time during the timed part, per job, in µs. */
  cpuUsPerJob: number;
  /** Where the rest of the machine's CPU went meanwhile (cpu-ledger.ts). */
  cpu: CpuShares;
  /** Redis used_memory growth per completed job (warm-up ones too), in bytes. */
  redisBytesPerJob: number;
  /**
   * What each further retained completed job adds: the growth over the timed
   * jobs alone, in bytes. By then the queue's events stream (a ring of
   * BullMQ's 10,000 latest events, the same for any number of jobs kept) is
   * full, so only what retention keeps counts: the job's hash and its entry
   * in the completed set.
   */
  redisBytesPerRetainedJob: number;
  /**
   * The mean time the timed jobs held a worker slot (BullMQ's processedOn to
   * finishedOn), in ms: against a slow target, how far over its latency a
   * job's slot lasts.
   */
  slotMs: number;
  checks: Checks;
}

/** Sanity: completed, failed and requests the target saw, against what was sent. */
export interface Checks {
  completed: number;
  failed: number;
  requests: number;
  expected: number;
  /** With the history recorded: the executions the database holds once the recorder caught up. */
  recorded?: number;
}

export interface Latency {
  rate: number;
  jobs: number;
  p50Ms: number;
  p99Ms: number;
  /** The mean time these jobs held a worker slot (processedOn to finishedOn), in ms. */
  slotMs: number;
}

/** A row's figures for one system: the medians of its samples, and its latency. */
export interface RunResult {
  system: System;
  /** `peer`, `noop`, `taskrest`, or `taskrest <baseline label>`. */
  label: string;
  workers: number;
  concurrency: number;
  bodyBytes: number;
  delayMs: number;
  jobs: number;
  throughputs: number[];
  throughput: number;
  latency?: Latency;
  rssBytes: number;
  cpuUsPerJob: number;
  /** The medians of the samples' CPU shares. */
  cpu: CpuShares;
  redisBytesPerJob: number;
  redisBytesPerRetainedJob: number;
  slotMs: number;
  checks: Checks;
}

/** What feeds jobs to the system under test. */
interface Feeder {
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

export function labelOf(spec: Pick<RunSpec, 'system' | 'build' | 'history'>): string {
  if (spec.system !== 'taskrest') return spec.system;
  const build = spec.build ?? THIS_BUILD;
  const name = build === THIS_BUILD ? 'taskrest' : `taskrest ${build.label}`;
  return build === THIS_BUILD && !spec.history ? `${name}, history off` : name;
}

/**
 * One repetition: a paused queue filled with the warm-up and the timed jobs
 * while fresh workers start; released, the warm-up runs untimed, and the
 * time from its end (the moment the completed count reaches it, the count
 * then read being the start) until every job finished is the measurement.
 * The producer's own cost is measured separately (bulk enqueue). Redis bytes
 * per job are read on an empty Redis before the workers start and once they
 * stopped, so that their connections count on neither side.
 */
export async function measureOnce(spec: RunSpec): Promise<Sample> {
  const total = spec.warmupJobs + spec.jobs;
  return withScene(spec, { prefill: total }, async (scene) => {
    const { redis, feeder, processes, memoryBefore, ids } = scene;
    const requestsBefore = await targetCount(spec.targetUrl);
    await feeder.queue.resume();
    const warming = performance.now();
    const warmedUp = await finishedAtLeast(feeder.queue, spec.warmupJobs);
    const readNow = () =>
      readCpu({
        workers: pidsOf(processes),
        recorder: scene.history?.api.child.pid,
        redis: spec.redisPid,
      });
    const cpuBefore = readNow();
    const begin = lap('warmup', warming);
    const memoryWarm = await usedMemory(redis);
    await drained(feeder.queue, total);
    const timedJobs = total - warmedUp;
    const throughput = timedJobs / ((lap('timed', begin) - begin) / 1000);
    const cpuAfter = readNow();
    const cpuUsPerJob = ((cpuAfter.workersMs - cpuBefore.workersMs) * 1000) / timedJobs;
    const memoryDrained = await usedMemory(redis);
    const slotMs = await meanSlotMs(redis, feeder.queue, ids.slice(warmedUp));
    const rss = processes.map((p) => p.peakRss());
    await Promise.all(processes.map((p) => p.stop()));
    const memoryAfter = await usedMemory(redis);
    return {
      throughput,
      rssBytes: rss.reduce((a, b) => a + b, 0) / rss.length,
      cpuUsPerJob,
      cpu: cpuShares(cpuBefore, cpuAfter, timedJobs, scene.history !== undefined),
      redisBytesPerJob: (memoryAfter - memoryBefore) / total,
      // The jobs still running at the warm-up's end count on both sides.
      redisBytesPerRetainedJob: (memoryDrained - memoryWarm) / timedJobs,
      slotMs,
      checks: await checksOf(spec, feeder.queue, requestsBefore, total, scene.history),
    };
  });
}

/**
 * Fresh workers run the warm-up (at full speed, untimed); then jobs are
 * enqueued at `rate` jobs/s for `seconds`, and each one's enqueue-to-finish
 * time is read. Without the warm-up the p99 would be a fresh process's
 * first second: taskrest's measured 437 ms against 181 ms without it (the
 * peer: 77 against 16).
 */
export async function measureLatency(
  spec: RunSpec,
  rate: number,
  seconds: number,
): Promise<{ latency: Latency; checks: Checks }> {
  return withScene(spec, { prefill: spec.warmupJobs }, async ({ feeder, history }) => {
    const requestsBefore = await targetCount(spec.targetUrl);
    const warming = performance.now();
    await feeder.queue.resume();
    await drained(feeder.queue, spec.warmupJobs);
    const begin = lap('warmup', warming);
    const latency = await fixedRateLatency(feeder, rate, seconds);
    const total = spec.warmupJobs + latency.jobs;
    await drained(feeder.queue, total);
    lap('timed', begin);
    return {
      latency,
      checks: await checksOf(spec, feeder.queue, requestsBefore, total, history),
    };
  });
}

/** The figures of a row's samples for one system. */
export function summarise(
  spec: RunSpec,
  samples: readonly Sample[],
  latency?: { latency: Latency; checks: Checks },
): RunResult {
  const checks = [...samples.map((s) => s.checks), ...(latency ? [latency.checks] : [])].reduce(
    (a, b) => ({
      completed: a.completed + b.completed,
      failed: a.failed + b.failed,
      requests: a.requests + b.requests,
      expected: a.expected + b.expected,
      ...(a.recorded !== undefined && b.recorded !== undefined
        ? { recorded: a.recorded + b.recorded }
        : {}),
    }),
  );
  const throughputs = samples.map((s) => s.throughput);
  return {
    system: spec.system,
    label: labelOf(spec),
    workers: spec.workers,
    concurrency: spec.concurrency,
    bodyBytes: spec.bodyBytes,
    delayMs: spec.delayMs ?? 0,
    jobs: spec.jobs,
    throughputs,
    throughput: median(throughputs),
    ...(latency ? { latency: latency.latency } : {}),
    rssBytes: median(samples.map((s) => s.rssBytes)),
    cpuUsPerJob: median(samples.map((s) => s.cpuUsPerJob)),
    cpu: medianShares(samples.map((s) => s.cpu)),
    redisBytesPerJob: median(samples.map((s) => s.redisBytesPerJob)),
    redisBytesPerRetainedJob: median(samples.map((s) => s.redisBytesPerRetainedJob)),
    slotMs: median(samples.map((s) => s.slotMs)),
    checks,
  };
}

interface Scene {
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
async function withScene<T>(
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

async function checksOf(
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

/**
 * The mean of processedOn → finishedOn over the jobs `ids` of `queue` (read
 * through `client`), in
 * ms (read from their hashes, 1,000 at a time in one pipeline). Jobs the
 * warm-up left running count too: the ids given are those added after it.
 */
async function meanSlotMs(client: Redis, queue: Queue, ids: readonly string[]): Promise<number> {
  let sum = 0;
  let count = 0;
  for (let at = 0; at < ids.length; at += 1000) {
    const pipeline = client.pipeline();
    for (const id of ids.slice(at, at + 1000))
      pipeline.hmget(queue.toKey(id), 'processedOn', 'finishedOn');
    for (const [, fields] of (await pipeline.exec()) ?? []) {
      const [processed, finished] = (fields as (string | null)[] | null) ?? [];
      if (!processed || !finished) continue;
      sum += Number(finished) - Number(processed);
      count++;
    }
  }
  return count === 0 ? Number.NaN : sum / count;
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
async function finishedAtLeast(queue: Queue, count: number, pollMs = 5): Promise<number> {
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

async function fixedRateLatency(feeder: Feeder, rate: number, seconds: number): Promise<Latency> {
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
  let slots = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const jobs = await Promise.all(ids.slice(i, i + 500).map((id) => Job.fromId(feeder.queue, id)));
    const finishedIn = async (job: Job | undefined, id: string): Promise<number> => {
      for (let tries = 0; tries < 3000 && !job?.finishedOn; tries++) {
        await sleep(10);
        job = await Job.fromId(feeder.queue, id);
      }
      slots += job!.finishedOn! - job!.processedOn!;
      return job!.finishedOn! - job!.timestamp;
    };
    latencies.push(...(await Promise.all(jobs.map((job, k) => finishedIn(job, ids[i + k]!)))));
  }
  return {
    rate: Math.round(rate),
    jobs: ids.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    slotMs: slots / ids.length,
  };
}

function pidsOf(processes: readonly BenchProcess[]): number[] {
  return processes.map((p) => p.child.pid ?? 0);
}

/**
 * Redis used_memory without its cache of Lua scripts (the scripts stay
 * cached across FLUSHALL, so only the first scene to load them would pay for
 * them) and without the clients' buffers (read while the workers run, their
 * connections' buffers would count).
 */
async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_memory') - field('used_memory_scripts_eval') - field('mem_clients_normal');
}
