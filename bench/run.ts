/**
 * `npm run bench [-- --quick] [--baseline REV] [--reps N]`: taskrest against the
 * alternatives, side by side, in one run on this machine. Starts its own Redis
 * on a free port and a target HTTP server in its own process, then measures
 * (median of 5 repetitions, 3 with --quick, the systems alternating):
 *
 * 1. HTTP ceilings: axios (default adapter, keep-alive), axios over taskrest's
 *    undici adapter, undici alone — no queue;
 * 2. the queue ceiling: a BullMQ worker whose processor does nothing;
 * 3. the bare peer: a minimal BullMQ worker doing one axios GET per job;
 * 4. taskrest: real `taskrest worker` processes fed by the taskrest producer;
 * 5. with `--baseline REV`: the same for taskrest built from git revision REV
 *    (checked out and built under .cache/), so that a change is compared
 *    with what came before in the same run;
 * 6. in a full run, one queue against two on a local 3-master Redis Cluster
 *    (bench/cluster-runs.ts);
 *
 * and writes bench/results/<date>.json, bench/results/latest.json and the
 * markdown table into docs/performance.md (between the bench markers). With
 * `--rows TEXT` it measures only the rows whose name (`1 KiB 1w c256 +100 ms`)
 * contains TEXT, nothing else, and writes bench/results/rows.json. It
 * logs each phase's duration and the total, and records them in the JSON.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { freePort, startRedisServer } from '../shared/redis-server-process.js';
import { measureBulkEnqueue, type BulkEnqueueResult } from './bulk-enqueue.js';
import { httpCeiling, type Client } from './http-ceilings.js';
import { benchPlan, isMainRow, KiB, rowName, type Row } from './bench-plan.js';
import { takeSceneTimes } from './bench-scene.js';
import { describeShares } from './cpu-ledger.js';
import { DIST, startTarget } from './processes.js';
import { buildRevision, THIS_BUILD, type Build } from './build-revision.js';
import {
  labelOf,
  measureLatency,
  measureOnce,
  summarise,
  type RunResult,
  type RunSpec,
  type Sample,
} from './queue-runs.js';
import {
  layoutOf,
  measureClusterOnce,
  summariseCluster,
  twoQueuesApart,
  type ClusterResults,
  type ClusterSample,
  type ClusterSpec,
} from './cluster-runs.js';
import { startRedisCluster } from '../shared/redis-cluster-process.js';
import { renderMarkdown, replaceBenchTable, REPORT_PAGE } from './report.js';
import { median } from './stats.js';

const quick = process.argv.includes('--quick');
const baselineAt = process.argv.indexOf('--baseline');
const baselineRev = baselineAt === -1 ? undefined : process.argv[baselineAt + 1];
const repsAt = process.argv.indexOf('--reps');
const rowsAt = process.argv.indexOf('--rows');
const onlyRows = rowsAt === -1 ? undefined : process.argv[rowsAt + 1];
const plan = benchPlan(quick);

/** What every row's specs share: the bench's Redis (and its process) and target. */
type SceneBase = Pick<RunSpec, 'redisUrl' | 'redisPid' | 'targetUrl'>;

if (repsAt !== -1) plan.reps = Number(process.argv[repsAt + 1]);

export interface BenchResults {
  date: string;
  quick: boolean;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; os: string };
  versions: Record<string, string>;
  httpCeilings: Record<Client, number>;
  queueCeiling: RunResult;
  combinedCeiling: number;
  /** The revision the `taskrest <label>` runs were built from, when `--baseline` was given. */
  baseline?: string;
  reps: number;
  runs: RunResult[];
  bulkEnqueue?: BulkEnqueueResult;
  /** One queue against two on a 3-master Redis Cluster (full runs). */
  cluster?: ClusterResults;
  sane: boolean;
  problems: string[];
  /** The whole run's wall-clock time (up to writing the results) and each phase's. */
  durations: { totalSeconds: number; phases: PhaseDuration[] };
}

function versionOf(pkg: string): string {
  const json = JSON.parse(readFileSync(`${DIST}/../node_modules/${pkg}/package.json`, 'utf8')) as {
    version: string;
  };
  return json.version;
}

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

/** How long one phase of the run took, and how its scenes' time split (s). */
export interface PhaseDuration {
  phase: string;
  seconds: number;
  setup: number;
  fill: number;
  warmup: number;
  timed: number;
  teardown: number;
}

const phases: PhaseDuration[] = [];

/** Runs one phase of the benchmark, logging and recording how long it took and where. */
async function phase<T>(name: string, work: () => Promise<T> | T): Promise<T> {
  takeSceneTimes();
  const begin = performance.now();
  try {
    return await work();
  } finally {
    const s = (ms: number) => Math.round(ms / 100) / 10;
    const scenes = takeSceneTimes();
    const took: PhaseDuration = {
      phase: name,
      seconds: s(performance.now() - begin),
      setup: s(scenes.setup),
      fill: s(scenes.fill),
      warmup: s(scenes.warmup),
      timed: s(scenes.timed),
      teardown: s(scenes.teardown),
    };
    phases.push(took);
    log(
      `  [${name}: ${took.seconds} s; scenes: setup ${took.setup}, fill ${took.fill}, warm-up ${took.warmup}, timed ${took.timed}, teardown ${took.teardown}]`,
    );
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const redis = await startRedisServer({
    port: await freePort(),
    args: ['--maxmemory-policy', 'noeviction'],
  });
  const target = await startTarget();
  const problems: string[] = [];
  try {
    const base = {
      redisUrl: redis.url,
      redisPid: redis.child.pid,
      targetUrl: target.url,
      latencySeconds: 0,
    };

    const baseline = baselineRev
      ? await phase('baseline build', () => buildRevision(baselineRev))
      : undefined;
    if (onlyRows !== undefined) return await measureRowsOnly(onlyRows, base, baseline);

    log('HTTP ceilings');
    const httpCeilings = await phase('HTTP ceilings', async () => {
      const ceilings = {} as Record<Client, number>;
      for (const client of ['axios-default', 'axios-taskrest-adapter', 'undici'] as const) {
        const reps: number[] = [];
        for (let i = 0; i < 3; i++)
          reps.push(await httpCeiling(client, `${target.url}/bytes/${KiB}`, plan.httpRequests));
        ceilings[client] = median(reps);
        log(`  ${client}: ${Math.round(ceilings[client])} requests/s`);
      }
      return ceilings;
    });

    log('queue ceiling (no-op BullMQ worker)');
    const ceilingSpec: RunSpec = {
      ...base,
      system: 'noop',
      workers: 1,
      concurrency: 64,
      bodyBytes: KiB,
      jobs: plan.jobs * 2,
      warmupJobs: plan.warmupJobs,
    };
    const queueCeiling = await phase('queue ceiling', async () => {
      const samples: Sample[] = [];
      for (let rep = 0; rep < plan.reps; rep++) samples.push(await measureOnce(ceilingSpec));
      return summarise(ceilingSpec, samples);
    });
    log(`  ${Math.round(queueCeiling.throughput)} jobs/s`);
    const combinedCeiling = 1 / (1 / queueCeiling.throughput + 1 / httpCeilings.undici);

    const runs: RunResult[] = [];
    for (const row of plan.rows) {
      runs.push(...(await phase(rowName(row), () => measureRow(row, base, baseline))));
    }
    const cluster = plan.cluster
      ? await phase('Redis Cluster: one queue against two', () => measureCluster(target.url))
      : undefined;
    log('bulk enqueue: library vs POST /api/tasks/bulk');
    const bulkEnqueue = await phase('bulk enqueue', () =>
      measureBulkEnqueue(redis.url, target.url, plan.bulkTasks).catch((error: Error) => {
        problems.push(`bulk enqueue not measured: ${error.message}`);
        return undefined;
      }),
    );

    for (const run of [queueCeiling, ...runs]) {
      const { completed, failed, requests, expected } = run.checks;
      const name = `${run.label} ${run.workers}w c${run.concurrency} ${run.bodyBytes}B`;
      if (completed !== expected)
        problems.push(`${name}: ${completed} of ${expected} jobs completed`);
      if (failed !== 0) problems.push(`${name}: ${failed} jobs failed`);
      if (requests !== expected)
        problems.push(`${name}: the target saw ${requests} requests, expected ${expected}`);
      const { recorded } = run.checks;
      if (recorded !== undefined && recorded !== expected)
        problems.push(`${name}: the history holds ${recorded} executions, expected ${expected}`);
    }
    for (const run of cluster?.runs ?? []) {
      const { completed, failed, requests, expected } = run.checks;
      const name = `cluster, queues ${run.queues.join(' + ')}`;
      if (completed !== expected)
        problems.push(`${name}: ${completed} of ${expected} jobs completed`);
      if (failed !== 0) problems.push(`${name}: ${failed} jobs failed`);
      if (requests !== expected)
        problems.push(`${name}: the target saw ${requests} requests, expected ${expected}`);
    }

    const results: BenchResults = {
      date: new Date().toISOString(),
      quick,
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        os: `${os.type()} ${os.release()}`,
      },
      versions: Object.fromEntries(
        ['bullmq', 'ioredis', 'axios', 'axios-retry', 'undici'].map((p) => [p, versionOf(p)]),
      ),
      httpCeilings,
      queueCeiling,
      combinedCeiling,
      ...(baseline ? { baseline: baseline.label } : {}),
      reps: plan.reps,
      runs,
      ...(bulkEnqueue ? { bulkEnqueue } : {}),
      ...(cluster ? { cluster } : {}),
      sane: problems.length === 0,
      problems,
      durations: { totalSeconds: Math.round((performance.now() - started) / 1000), phases },
    };
    writeResults(results);
    log('where the time went:');
    for (const p of phases) log(`  ${p.phase}: ${p.seconds} s`);
    log(
      `done in ${results.durations.totalSeconds} s${problems.length ? `; PROBLEMS:\n${problems.join('\n')}` : ''}`,
    );
    if (problems.some((p) => !p.startsWith('bulk enqueue'))) process.exitCode = 1;
  } finally {
    await target.stop();
    await redis.stop();
  }
}

/**
 * One row, every system: the repetitions alternate between the systems (the
 * order reversed every other time), so that a change in the machine's load
 * hits all alike; then the peer's and this build's latency at the same
 * offered rate, half the bare peer's throughput (the targets compare those
 * two; a baseline's latency would add a minute to the run).
 */
async function measureRow(
  row: Row,
  base: SceneBase,
  baseline: Build | undefined,
): Promise<RunResult[]> {
  const big = row.bodyBytes > KiB;
  const jobs = big ? plan.bigJobs : plan.jobs;
  const warmupJobs = big
    ? plan.bigWarmupJobs
    : row.delayMs
      ? plan.delayedWarmupJobs
      : plan.warmupJobs;
  const { maxReps, ...shape } = row;
  const reps = Math.min(plan.reps, maxReps ?? plan.reps);
  const common = { ...base, ...shape, jobs, warmupJobs };
  const specs: RunSpec[] = [
    { ...common, system: 'peer' },
    // As deployed: the history recorded by an API process's recorder.
    { ...common, system: 'taskrest', build: THIS_BUILD, history: 'recorded' },
    // What the history costs, on the main row (1 KiB, one worker, concurrency 64)
    // and against the 100 ms target (where the worker alone is measured too).
    ...(isMainRow(row) || row.delayMs
      ? [{ ...common, system: 'taskrest' as const, build: THIS_BUILD }]
      : []),
    ...(baseline ? [{ ...common, system: 'taskrest' as const, build: baseline }] : []),
  ];
  const samples = specs.map((): Sample[] => []);
  for (let rep = 0; rep < reps; rep++) {
    const order = specs.map((_, i) => i);
    if (rep % 2 === 1) order.reverse();
    for (const i of order) samples[i]!.push(await measureOnce(specs[i]!));
  }
  const rate = median(samples[0]!.map((s) => s.throughput)) / 2;
  const results: RunResult[] = [];
  for (const [i, spec] of specs.entries()) {
    // Latency at half load, for the peer and this build.
    const latency =
      spec.build && spec.build !== THIS_BUILD
        ? undefined
        : await measureLatency(spec, rate, plan.latencySeconds);
    const result = summarise(spec, samples[i]!, latency);
    results.push(result);
    log(
      `  ${labelOf(spec)} ${row.workers}w c${row.concurrency} ${row.bodyBytes / KiB}KiB${row.delayMs ? ` +${row.delayMs} ms` : ''}: ` +
        `${Math.round(result.throughput)} jobs/s (${result.throughputs.map(Math.round).join(', ')}), ` +
        `p99 ${result.latency?.p99Ms ?? '-'} ms, slot ${result.latency?.slotMs.toFixed(1) ?? '-'} ms at ${Math.round(rate)}/s, rss ${Math.round(result.rssBytes / 2 ** 20)} MiB, ` +
        `${Math.round(result.cpuUsPerJob)} µs CPU/job${describeShares(result.cpu)}, slot ${result.slotMs.toFixed(1)} ms, Redis bytes ${Math.round(result.redisBytesPerRetainedJob)} per retained job (${Math.round(result.redisBytesPerJob)} per job)`,
    );
  }
  return results;
}

/** `--rows TEXT`: only the rows whose name contains TEXT, into bench/results/rows.json. */
async function measureRowsOnly(
  text: string,
  base: SceneBase,
  baseline: Build | undefined,
): Promise<void> {
  const rows = plan.rows.filter((row) => rowName(row).includes(text));
  if (rows.length === 0) throw new Error(`no row's name contains ${JSON.stringify(text)}`);
  const runs: RunResult[] = [];
  for (const row of rows)
    runs.push(...(await phase(rowName(row), () => measureRow(row, base, baseline))));
  const dir = `${DIST}/../bench/results`;
  mkdirSync(dir, { recursive: true });
  const results = { date: new Date().toISOString(), node: process.version, reps: plan.reps, runs };
  writeFileSync(`${dir}/rows.json`, `${JSON.stringify(results, null, 2)}\n`);
}

/**
 * One queue against two on a fresh 3-master Redis Cluster, one worker
 * process (1 KiB, concurrency 64): the repetitions alternate between the two
 * shapes (the order reversed every other time).
 */
async function measureCluster(targetUrl: string): Promise<ClusterResults> {
  const cluster = await startRedisCluster(3);
  try {
    const layout = await layoutOf(cluster);
    const apart = await twoQueuesApart(layout);
    const shape = { jobs: plan.jobs, concurrency: 64, bodyBytes: KiB, targetUrl };
    const specs: ClusterSpec[] = [
      { ...shape, queues: [apart.names[0]] },
      { ...shape, queues: apart.names },
    ];
    const queueMasters = [[apart.masters[0]], apart.masters];
    const samples = specs.map((): ClusterSample[] => []);
    for (let rep = 0; rep < plan.reps; rep++) {
      const order = rep % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) samples[i]!.push(await measureClusterOnce(specs[i]!, layout));
    }
    const runs = specs.map((spec, i) =>
      summariseCluster(spec, layout, queueMasters[i]!, samples[i]!),
    );
    for (const run of runs) {
      log(
        `  cluster, queues ${run.queues.join(' + ')}: ${Math.round(run.throughput)} jobs/s ` +
          `(${run.throughputs.map(Math.round).join(', ')}), worker ${Math.round(run.workerCpuUsPerJob)} µs CPU/job ` +
          `(${Math.round(run.workerCpuShare * 100)}%), masters ` +
          run.masters
            .map(
              (m) =>
                `${Math.round(m.cpuMsPerThousandJobs)} ms/1000 (${Math.round(m.cpuShare * 100)}%)`,
            )
            .join(', '),
      );
    }
    return { masters: layout.masters, runs };
  } finally {
    await cluster.stop();
  }
}

function writeResults(results: BenchResults): void {
  const dir = `${DIST}/../bench/results`;
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const name = results.quick ? 'quick' : results.date.slice(0, 10);
  writeFileSync(`${dir}/${name}.json`, json);
  if (!results.quick) writeFileSync(`${dir}/latest.json`, json);
  const markdown = renderMarkdown(results);
  process.stdout.write(`${markdown}\n`);
  if (results.quick) return;
  const pagePath = `${DIST}/../${REPORT_PAGE}`;
  const page = replaceBenchTable(readFileSync(pagePath, 'utf8'), markdown);
  if (page === null) log(`${REPORT_PAGE} has no bench markers: its table was not replaced`);
  else writeFileSync(pagePath, page);
}

await main();
