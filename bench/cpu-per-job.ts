/**
 * `npm run bench:cpu [-- --baseline REV] [--jobs N] [--rate R] [--runs K] [--profile DIR]`:
 * the worker's CPU time per job at a fixed rate, for this build and, with
 * `--baseline`, for another git revision built side by side, runs alternating.
 *
 * CPU per job = the `taskrest worker` process's user + system CPU time
 * (/proc/PID/stat) over the measured jobs / their number. At a fixed rate the
 * figure does not depend on how fast the machine could go, so it compares
 * two builds even on a busy machine. The baseline is checked out into
 * .cache/bench-baseline/<sha> (git worktree), installed with `npm ci` and
 * built there; each build feeds its own worker through its own library, so
 * job formats never mix. With `--profile DIR` each worker runs under
 * `node --cpu-prof` and writes its profile into DIR/<build> at exit.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startRedisServer } from '../shared/redis-server-process.js';
import { buildRevision, producerOf, REPO, THIS_BUILD, type Build } from './build-revision.js';
import { processCpuMs as cpuMs, startProcess, startTarget, targetCount } from './processes.js';
import { median } from './stats.js';

interface Options {
  baseline: string | undefined;
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

/** One measurement: a fresh Redis and worker, warm-up, then `jobs` at `rate`. */
async function measureOnce(build: Build, targetUrl: string, options: Options): Promise<number> {
  const redis = await startRedisServer({ port: await freePort() });
  const env = {
    REDIS_URL: redis.url,
    TASKREST_QUEUE: 'bench-cpu',
    WORKER_CONCURRENCY: String(options.concurrency),
    TASKREST_KEEP_COMPLETED_COUNT: '10000000',
    TASKREST_LOG_LEVEL: 'info',
  };
  const worker = await startProcess(
    path.join(build.dist, 'bin', 'taskrest.js'),
    ['worker'],
    env,
    /worker started/,
    options.profileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.profileDir, slug(build.label))}`]
      : [],
  );
  const producer = await producerOf(build, env);
  const task = { url: `${targetUrl}/bytes/${options.bodyBytes}` };
  const feed = async (jobs: number, rate: number) => {
    const before = await targetCount(targetUrl);
    const begin = performance.now();
    let sent = 0;
    while (sent < jobs) {
      const due = Math.min(jobs, Math.floor(((performance.now() - begin) / 1000) * rate));
      if (due > sent) {
        await producer.enqueueBulk(new Array<object>(due - sent).fill(task));
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
    await feed(options.jobs, options.rate);
    await sleep(500);
    return ((cpuMs(pid) - start) * 1000) / options.jobs;
  } finally {
    await producer.close();
    await worker.stop();
    await redis.stop();
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const builds: Build[] = [THIS_BUILD];
  if (options.baseline) builds.push(buildRevision(options.baseline));
  const target = await startTarget();
  const samples = new Map<string, number[]>(builds.map((b) => [b.label, []]));
  try {
    for (let run = 0; run < options.runs; run++) {
      // Alternate, so that a change in the machine's load hits both alike.
      for (const build of run % 2 === 0 ? builds : [...builds].reverse()) {
        const us = await measureOnce(build, target.url, options);
        samples.get(build.label)?.push(us);
        process.stderr.write(`${build.label}: ${us.toFixed(0)} µs CPU per job\n`);
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
    })),
  };
  const [current, baseline] = result.builds;
  if (current && baseline) {
    const change = (current.medianUs / baseline.medianUs - 1) * 100;
    process.stdout.write(
      `CPU per job: this build ${current.medianUs.toFixed(0)} µs, ${baseline.label} ${baseline.medianUs.toFixed(0)} µs (${change >= 0 ? '+' : ''}${change.toFixed(1)}%)\n`,
    );
  } else if (current) {
    process.stdout.write(`CPU per job: ${current.medianUs.toFixed(0)} µs\n`);
  }
  mkdirSync(path.join(REPO, 'bench', 'results'), { recursive: true });
  writeFileSync(
    path.join(REPO, 'bench', 'results', 'cpu-per-job.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
}

await main();
