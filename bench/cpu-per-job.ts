/**
 * `npm run bench:cpu [-- --baseline REV] [--peer] [--history] [--unbundled] [--paired] [--jobs N] [--rate R] [--runs K] [--profile DIR]`:
 * the worker's CPU time per job at a fixed rate, for this build and, with
 * `--baseline`, for another git revision built side by side, and with
 * `--peer` for the bare peer (bench/peer-worker.ts: one axios GET per job,
 * fed through BullMQ's own `addBulk`), runs alternating.
 *
 * CPU per job = the `taskrest worker` process's user + system CPU time
 * (/proc/PID/stat) over the measured jobs / their number. At a fixed rate the
 * figure does not depend on how fast the machine could go, so it compares
 * two builds even on a busy machine. The baseline is checked out into
 * .cache/bench-baseline/<sha> (git worktree), installed with `npm ci` and
 * built there; each build feeds its own worker through its own library, so
 * job formats never mix. The peer shows the floor a taskrest build is
 * measured against: what BullMQ, ioredis, an HTTP client and the kernel cost
 * per job at that rate with no feature at all. `--history` adds this build
 * with the history on (TASKREST_HISTORY_URL set: each ended execution's
 * record appended to its queue's stream; the worker never connects to the
 * database, so the URL need not answer). `--unbundled` adds this build run
 * from tsc's output (dist/bin/taskrest.js) instead of the bundle that ships
 * (dist/bundle/taskrest.js). With `--profile DIR` each worker runs under
 * `node --cpu-prof` and writes its profile into DIR/<build> at exit.
 *
 * Runs one after another differ by 10-20% on a shared machine (its speed
 * drifts over minutes), more than the changes worth measuring. With
 * `--paired`, this build runs at the same time as each other subject in
 * turn (each with its own Redis and target, at `--rate`, 500 a second by
 * default), so both see the same machine; the figure is the median of the
 * runs' ratios of CPU per job, and the same build against itself reads
 * 1.00 within a few percent.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  freePort,
  startRedisServer,
  type RedisServerProcess,
} from '../shared/redis-server-process.js';
import {
  buildRevision,
  commandOf,
  producerOf,
  REPO,
  THIS_BUILD,
  unbundledCommandOf,
  type Build,
} from './build-revision.js';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  DIST,
  processCpuMs as cpuMs,
  startProcess,
  startTarget,
  targetCount,
  type BenchProcess,
} from './processes.js';
import { callsPer, commandCounts } from './redis-command-counts.js';
import { median } from './stats.js';

interface Options {
  baseline: string | undefined;
  peer: boolean;
  /** This build run from dist/bin/taskrest.js (tsc's output) as well as from its bundle. */
  unbundled: boolean;
  history: boolean;
  /** Each other subject measured at the same time as this build (see measurePaired). */
  paired: boolean;
  jobs: number;
  rate: number;
  runs: number;
  concurrency: number;
  bodyBytes: number;
  /** Where each worker writes its `node --cpu-prof` profile, when given. */
  profileDir: string | undefined;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string) => {
    const at = argv.indexOf(name);
    return at === -1 ? undefined : argv[at + 1];
  };
  return {
    baseline: value('--baseline'),
    peer: argv.includes('--peer'),
    history: argv.includes('--history'),
    unbundled: argv.includes('--unbundled'),
    paired: argv.includes('--paired'),
    jobs: Number(value('--jobs') ?? 10_000),
    // Two workers side by side at 1,000 a second each would fill this machine's two cores.
    rate: Number(value('--rate') ?? (argv.includes('--paired') ? 500 : 1000)),
    runs: Number(value('--runs') ?? 3),
    concurrency: Number(value('--concurrency') ?? 64),
    bodyBytes: 1024,
    profileDir: value('--profile'),
  };
}

/** A directory name for a build's label. */
function slug(label: string): string {
  return label.replace(/[^A-Za-z0-9.-]+/g, '-');
}

/** What is measured: a worker process and the way jobs reach it. */
interface Subject {
  label: string;
  /** Starts the worker on a fresh Redis; `add` enqueues that many copies of the task. */
  start(redisUrl: string, task: { url: string }, options: Options): Promise<Started>;
}

/** A started subject: its worker process, how to enqueue n copies of the task, how to let go. */
interface Started {
  worker: BenchProcess;
  add: (n: number) => Promise<void>;
  close: () => Promise<void>;
}

function profileArgs(label: string, options: Options): string[] {
  return options.profileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.profileDir, slug(label))}`]
    : [];
}

/**
 * A taskrest build: its `taskrest worker`, fed through its own library
 * (with `history`, recording; with `unbundled`, run from tsc's output).
 */
function buildSubject(build: Build, history = false, unbundled = false): Subject {
  const label = `${build.label}${history ? ', history on' : ''}${unbundled ? ', unbundled' : ''}`;
  const command = unbundled ? unbundledCommandOf(build.dist) : commandOf(build.dist);
  return {
    label,
    async start(redisUrl, task, options) {
      const env = {
        REDIS_URL: redisUrl,
        TASKREST_QUEUE: 'bench-cpu',
        WORKER_CONCURRENCY: String(options.concurrency),
        TASKREST_KEEP_COMPLETED_COUNT: '10000000',
        TASKREST_LOG_LEVEL: 'info',
        ...(history ? { TASKREST_HISTORY_URL: 'postgres://127.0.0.1:1/never-connected' } : {}),
      };
      const worker = await startProcess(
        command,
        ['worker'],
        env,
        /worker started/,
        profileArgs(label, options),
      );
      const producer = await producerOf(build, env);
      return {
        worker,
        add: async (n) => void (await producer.enqueueBulk(new Array<object>(n).fill(task))),
        close: () => producer.close(),
      };
    },
  };
}

/** The bare peer: bench/peer-worker.ts, fed through BullMQ's `addBulk`. */
const PEER: Subject = {
  label: 'bare peer',
  async start(redisUrl, task, options) {
    const worker = await startProcess(
      path.join(DIST, 'bench', 'peer-worker.js'),
      [],
      { REDIS_URL: redisUrl, QUEUE: 'bench-cpu', CONCURRENCY: String(options.concurrency) },
      /ready/,
      profileArgs('bare peer', options),
    );
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue('bench-cpu', { connection });
    return {
      worker,
      add: async (n) =>
        void (await queue.addBulk(Array.from({ length: n }, () => ({ name: 'get', data: task })))),
      close: async () => {
        await queue.close();
        connection.disconnect();
      },
    };
  },
};

/** What one measurement found for one subject. */
interface Measured {
  us: number;
  commands: Map<string, number>;
}

/**
 * One measurement of `subjects` side by side: each gets a fresh Redis, its
 * worker, and its own target (`targetUrls`, one per subject), a warm-up,
 * then `jobs` at `rate`; with more than one, they run at the same time, so
 * that whatever else the machine does in those seconds falls on each alike.
 */
async function measureTogether(
  subjects: readonly Subject[],
  targetUrls: readonly string[],
  options: Options,
): Promise<Measured[]> {
  const started: { redis: RedisServerProcess; run?: Started }[] = [];
  try {
    for (const [i, subject] of subjects.entries()) {
      const redis = await startRedisServer({ port: await freePort() });
      const slot: (typeof started)[number] = { redis };
      started.push(slot);
      const task = { url: `${targetUrls[i]}/bytes/${options.bodyBytes}` };
      slot.run = await subject.start(redis.url, task, options);
    }
    const runs = started.map(({ run }) => run as Started);
    const feedAll = (jobs: number) =>
      Promise.all(runs.map((run, i) => feed(run.add, targetUrls[i] ?? '', jobs, options.rate)));
    await feedAll(Math.min(2000, options.jobs));
    // Let the last completions reach Redis before the measured part starts.
    await sleep(500);
    const pids = runs.map((run) => run.worker.child.pid ?? 0);
    const cpuBefore = pids.map((pid) => cpuMs(pid));
    const commandsBefore = await Promise.all(started.map(({ redis }) => commandCounts(redis.url)));
    await feedAll(options.jobs);
    await sleep(500);
    return await Promise.all(
      started.map(async ({ redis }, i) => ({
        us: ((cpuMs(pids[i] ?? 0) - (cpuBefore[i] ?? 0)) * 1000) / options.jobs,
        commands: callsPer(
          commandsBefore[i] ?? new Map<string, number>(),
          await commandCounts(redis.url),
          options.jobs,
        ),
      })),
    );
  } finally {
    for (const { redis, run } of started) {
      await run?.close();
      await run?.worker.stop();
      await redis.stop();
    }
  }
}

/** Enqueues `jobs` through `add` at `rate` a second, and waits until the target served them all. */
async function feed(
  add: Started['add'],
  targetUrl: string,
  jobs: number,
  rate: number,
): Promise<void> {
  const before = await targetCount(targetUrl);
  const begin = performance.now();
  let sent = 0;
  while (sent < jobs) {
    const due = Math.min(jobs, Math.floor(((performance.now() - begin) / 1000) * rate));
    if (due > sent) {
      await add(due - sent);
      sent = due;
    }
    await sleep(5);
  }
  while ((await targetCount(targetUrl)) - before < jobs) await sleep(20);
}

/** One line on stderr for a measurement: CPU and Redis commands per job. */
function report(label: string, { us, commands }: Measured): number {
  const total = [...commands.values()].reduce((a, b) => a + b, 0);
  const top = [...commands]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([name, n]) => `${name} ${n.toFixed(2)}`)
    .join(', ');
  process.stderr.write(
    `${label}: ${us.toFixed(0)} µs CPU per job, ${total.toFixed(1)} Redis commands per job (${top}, …)\n`,
  );
  return total;
}

/** Sequential runs: each subject alone, in an order that alternates run by run. */
async function measureInTurn(
  builds: readonly Subject[],
  options: Options,
  record: (label: string, measured: Measured) => void,
): Promise<void> {
  const target = await startTarget();
  try {
    for (let run = 0; run < options.runs; run++) {
      // Alternate, so that a change in the machine's load hits both alike.
      for (const build of run % 2 === 0 ? builds : [...builds].reverse()) {
        record(build.label, (await measureTogether([build], [target.url], options))[0] as Measured);
      }
    }
  } finally {
    await target.stop();
  }
}

/**
 * Paired runs: this build and each other subject at the same time, each on
 * its own Redis and target; answers each pair's ratios (this build's CPU
 * per job over the other's), one per run.
 */
async function measurePaired(
  builds: readonly Subject[],
  options: Options,
  record: (label: string, measured: Measured) => void,
): Promise<Map<string, number[]>> {
  const [current, ...others] = builds;
  const ratios = new Map<string, number[]>(others.map((other) => [other.label, []]));
  if (!current) return ratios;
  const targets = [await startTarget(), await startTarget()];
  try {
    for (let run = 0; run < options.runs; run++) {
      for (const other of others) {
        // Which of the two starts and is fed first alternates run by run.
        const pair = run % 2 === 0 ? [current, other] : [other, current];
        const measured = await measureTogether(
          pair,
          targets.map((t) => t.url),
          options,
        );
        pair.forEach((subject, i) => record(subject.label, measured[i] as Measured));
        const mine = measured[pair.indexOf(current)] as Measured;
        const theirs = measured[pair.indexOf(other)] as Measured;
        ratios.get(other.label)?.push(mine.us / theirs.us);
      }
    }
  } finally {
    for (const target of targets) await target.stop();
  }
  return ratios;
}

/** A pair's ratios as the results record them. */
function pairedRatios(ratios: readonly number[]) {
  return { ratios: ratios.map((r) => Number(r.toFixed(4))), medianRatio: median(ratios) };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const builds: Subject[] = [buildSubject(THIS_BUILD)];
  if (options.baseline) builds.push(buildSubject(buildRevision(options.baseline)));
  if (options.history) builds.push(buildSubject(THIS_BUILD, true));
  if (options.unbundled) builds.push(buildSubject(THIS_BUILD, false, true));
  if (options.peer) builds.push(PEER);
  const samples = new Map<string, number[]>(builds.map((b) => [b.label, []]));
  const commandSamples = new Map<string, number[]>(builds.map((b) => [b.label, []]));
  const record = (label: string, measured: Measured) => {
    samples.get(label)?.push(measured.us);
    commandSamples.get(label)?.push(report(label, measured));
  };
  const ratios = options.paired
    ? await measurePaired(builds, options, record)
    : (await measureInTurn(builds, options, record), undefined);
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    paired: options.paired,
    jobs: options.jobs,
    rate: options.rate,
    concurrency: options.concurrency,
    bodyBytes: options.bodyBytes,
    builds: builds.map((b) => ({
      label: b.label,
      samplesUs: samples.get(b.label),
      medianUs: median(samples.get(b.label) ?? []),
      redisCommandsPerJob: median(commandSamples.get(b.label) ?? []),
      ...(ratios?.has(b.label) ? pairedRatios(ratios.get(b.label) ?? []) : {}),
    })),
  };
  const [current, ...others] = result.builds;
  if (current) {
    const against = others.map((other) => {
      const paired = 'medianRatio' in other ? other : undefined;
      const change = ((paired?.medianRatio ?? current.medianUs / other.medianUs) - 1) * 100;
      const range = paired
        ? `, paired runs ${(paired.ratios ?? []).map((r) => r.toFixed(3)).join(' ')}`
        : '';
      return `, ${other.label} ${other.medianUs.toFixed(0)} µs (this build ${change >= 0 ? '+' : ''}${change.toFixed(1)}%${range})`;
    });
    process.stdout.write(
      `CPU per job: this build ${current.medianUs.toFixed(0)} µs${against.join('')}\n`,
    );
  }
  mkdirSync(path.join(REPO, 'bench', 'results'), { recursive: true });
  writeFileSync(
    path.join(REPO, 'bench', 'results', 'cpu-per-job.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
}

await main();
