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
import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  checksOf,
  drained,
  finishedAtLeast,
  lap,
  usedMemory,
  withScene,
  type Feeder,
} from './bench-scene.js';
import { THIS_BUILD, type Build } from './build-revision.js';
import { cpuShares, medianShares, readCpu, type CpuShares } from './cpu-ledger.js';
import { targetCount, type BenchProcess } from './processes.js';
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
