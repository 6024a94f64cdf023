/**
 * Where a scene's CPU went, for a row whose throughput is bounded by the
 * machine: the worker processes, the history's side (the recorder's API
 * process and PostgreSQL), Redis, and the rest of the machine (the target,
 * the bench itself), read from /proc before and after the timed part.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpuMsOfStat, MS_PER_TICK, processCpuMs } from './processes.js';
import { median } from './stats.js';

/** CPU time so far of each part, and of the whole machine, in ms. */
export interface CpuReading {
  readonly workersMs: number;
  /** The recorder's process; 0 without a recorded history. */
  readonly recorderMs: number;
  /** Every PostgreSQL process; 0 without a recorded history. */
  readonly postgresMs: number;
  /** The Redis server's; 0 when its process is not known. */
  readonly redisMs: number;
  /** Busy time summed over all cores (/proc/stat: all but idle and iowait). */
  readonly machineBusyMs: number;
  /** Busy and idle time summed over all cores. */
  readonly machineTotalMs: number;
}

/** What the timed part cost, per job, by part. */
export interface CpuShares {
  /** The history's side, in µs per job; undefined without a recorded history. */
  history?: { recorderUsPerJob: number; postgresUsPerJob: number };
  /** The Redis server, in µs per job (its one thread: 1,000,000 / this is the most jobs/s it could serve). */
  redisUsPerJob: number;
  /** Everything else the machine ran (the target, the bench), in µs per job. */
  restUsPerJob: number;
  /** The share of all cores busy during the timed part (1 = every core all the time). */
  machineBusyShare: number;
}

/** The processes a scene reads apart: its workers, the recorder's (with a recorded history) and Redis. */
export interface ScenePids {
  readonly workers: readonly number[];
  readonly recorder: number | undefined;
  readonly redis: number | undefined;
}

/** Reads the CPU time of the scene's processes, of PostgreSQL's (with a recorder) and of the machine. */
export function readCpu({ workers, recorder, redis }: ScenePids): CpuReading {
  const { busy, total } = machineTicks();
  return {
    workersMs: workers.reduce((sum, pid) => sum + processCpuMs(pid), 0),
    recorderMs: recorder === undefined ? 0 : processCpuMs(recorder),
    postgresMs: recorder === undefined ? 0 : postgresCpuMs(),
    redisMs: redis === undefined ? 0 : processCpuMs(redis),
    machineBusyMs: busy * MS_PER_TICK,
    machineTotalMs: total * MS_PER_TICK,
  };
}

/** The shares of the CPU spent between `before` and `after`, over `jobs` jobs. */
export function cpuShares(
  before: CpuReading,
  after: CpuReading,
  jobs: number,
  withHistory: boolean,
): CpuShares {
  const perJob = (ms: number) => (ms * 1000) / jobs;
  const workers = after.workersMs - before.workersMs;
  const recorder = after.recorderMs - before.recorderMs;
  const postgres = after.postgresMs - before.postgresMs;
  const redis = after.redisMs - before.redisMs;
  const busy = after.machineBusyMs - before.machineBusyMs;
  return {
    ...(withHistory
      ? { history: { recorderUsPerJob: perJob(recorder), postgresUsPerJob: perJob(postgres) } }
      : {}),
    redisUsPerJob: perJob(redis),
    restUsPerJob: perJob(Math.max(0, busy - workers - recorder - postgres - redis)),
    machineBusyShare: busy / (after.machineTotalMs - before.machineTotalMs),
  };
}

/** The median of each share over a row's samples. */
export function medianShares(shares: readonly CpuShares[]): CpuShares {
  const history = shares.flatMap((s) => (s.history ? [s.history] : []));
  return {
    ...(history.length > 0
      ? {
          history: {
            recorderUsPerJob: median(history.map((h) => h.recorderUsPerJob)),
            postgresUsPerJob: median(history.map((h) => h.postgresUsPerJob)),
          },
        }
      : {}),
    redisUsPerJob: median(shares.map((s) => s.redisUsPerJob)),
    restUsPerJob: median(shares.map((s) => s.restUsPerJob)),
    machineBusyShare: median(shares.map((s) => s.machineBusyShare)),
  };
}

/** The shares in a row's log line: ` (recorder …, PostgreSQL …, Redis …, rest …, machine …% busy)`. */
export function describeShares(cpu: CpuShares): string {
  const us = (value: number) => `${Math.round(value)} µs`;
  const parts = [
    ...(cpu.history
      ? [
          `recorder ${us(cpu.history.recorderUsPerJob)}`,
          `PostgreSQL ${us(cpu.history.postgresUsPerJob)}`,
        ]
      : []),
    `Redis ${us(cpu.redisUsPerJob)}`,
    `rest ${us(cpu.restUsPerJob)}`,
    `machine ${Math.round(cpu.machineBusyShare * 100)}% busy`,
  ];
  return ` (${parts.join(', ')})`;
}

/** The first line of /proc/stat: ticks of all cores, busy and in total. */
function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = user! + nice! + system! + irq! + softirq! + (steal ?? 0);
  return { busy, total: busy + idle! + iowait! };
}

/**
 * The CPU time of every process named `postgres` (the server the bench's
 * history databases live on, its background writers included). A backend
 * that exits during the timed part takes its time with it; the recorder's
 * pooled connections live as long as the scene.
 */
function postgresCpuMs(): number {
  let sum = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === 'postgres') {
        sum += cpuMsOfStat(stat);
      }
    } catch {
      // Gone between the listing and the read.
    }
  }
  return sum;
}
