/**
 * `npm run bench:cpu [-- --baseline REV] [--peer] [--history] [--jobs N] [--rate R] [--runs K] [--profile DIR]`:
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
 * database, so the URL need not answer). With `--profile DIR` each worker runs under
 * `node --cpu-prof` and writes its profile into DIR/<build> at exit.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startRedisServer } from '../shared/redis-server-process.js';
import { buildRevision, producerOf, REPO, THIS_BUILD, type Build } from './build-revision.js';
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
import { median } from './stats.js';

interface Options {
  baseline: string | undefined;
  peer: boolean;
  history: boolean;
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
    jobs: Number(value('--jobs') ?? 10_000),
    rate: Number(value('--rate') ?? 1000),
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

/** A taskrest build: its `taskrest worker`, fed through its own library (with `history`, recording). */
function buildSubject(build: Build, history = false): Subject {
  const label = history ? `${build.label}, history on` : build.label;
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
        path.join(build.dist, 'bin', 'taskrest.js'),
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

/** Redis' count of calls per command so far (INFO commandstats), the INFO itself left out. */
async function commandCounts(url: string): Promise<Map<string, number>> {
  const redis = new Redis(url, { lazyConnect: true });
  try {
    const info = await redis.info('commandstats');
    const counts = new Map<string, number>();
    for (const [, name, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
      if (name !== 'info') counts.set(name ?? '', Number(calls));
    return counts;
  } finally {
    redis.disconnect();
  }
}

/** Each command's calls between two counts, per job. */
function perJob(before: Map<string, number>, after: Map<string, number>, jobs: number) {
  const result = new Map<string, number>();
  for (const [name, calls] of after) {
    const delta = calls - (before.get(name) ?? 0);
    if (delta > 0) result.set(name, delta / jobs);
  }
  return result;
}

/** One measurement: a fresh Redis and worker, warm-up, then `jobs` at `rate`. */
async function measureOnce(
  subject: Subject,
  targetUrl: string,
  options: Options,
): Promise<{ us: number; commands: Map<string, number> }> {
  const redis = await startRedisServer({ port: await freePort() });
  const task = { url: `${targetUrl}/bytes/${options.bodyBytes}` };
  const { worker, add, close } = await subject.start(redis.url, task, options);
  const feed = async (jobs: number, rate: number) => {
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
  };
  try {
    await feed(Math.min(2000, options.jobs), options.rate);
    // Let the last completions reach Redis before the measured part starts.
    await sleep(500);
    const pid = worker.child.pid ?? 0;
    const start = cpuMs(pid);
    const commandsBefore = await commandCounts(redis.url);
    await feed(options.jobs, options.rate);
    await sleep(500);
    const us = ((cpuMs(pid) - start) * 1000) / options.jobs;
    const commands = perJob(commandsBefore, await commandCounts(redis.url), options.jobs);
    return { us, commands };
  } finally {
    await close();
    await worker.stop();
    await redis.stop();
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const builds: Subject[] = [buildSubject(THIS_BUILD)];
  if (options.baseline) builds.push(buildSubject(buildRevision(options.baseline)));
  if (options.history) builds.push(buildSubject(THIS_BUILD, true));
  if (options.peer) builds.push(PEER);
  const target = await startTarget();
  const samples = new Map<string, number[]>(builds.map((b) => [b.label, []]));
  const commandSamples = new Map<string, number[]>(builds.map((b) => [b.label, []]));
  try {
    for (let run = 0; run < options.runs; run++) {
      // Alternate, so that a change in the machine's load hits both alike.
      for (const build of run % 2 === 0 ? builds : [...builds].reverse()) {
        const { us, commands } = await measureOnce(build, target.url, options);
        samples.get(build.label)?.push(us);
        const total = [...commands.values()].reduce((a, b) => a + b, 0);
        commandSamples.get(build.label)?.push(total);
        const top = [...commands]
          .sort((a, b) => b[1] - a[1])
          .map(([name, n]) => `${name} ${n.toFixed(2)}`)
          .join(', ');
        process.stderr.write(
          `${build.label}: ${us.toFixed(0)} µs CPU per job, ${total.toFixed(1)} Redis commands per job (${top})\n`,
        );
      }
    }
  } finally {
    await target.stop();
  }
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    jobs: options.jobs,
    rate: options.rate,
    concurrency: options.concurrency,
    bodyBytes: options.bodyBytes,
    builds: builds.map((b) => ({
      label: b.label,
      samplesUs: samples.get(b.label),
      medianUs: median(samples.get(b.label) ?? []),
      redisCommandsPerJob: median(commandSamples.get(b.label) ?? []),
    })),
  };
  const [current, ...others] = result.builds;
  if (current) {
    const against = others.map((other) => {
      const change = (current.medianUs / other.medianUs - 1) * 100;
      return `, ${other.label} ${other.medianUs.toFixed(0)} µs (this build ${change >= 0 ? '+' : ''}${change.toFixed(1)}%)`;
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
