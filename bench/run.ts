/**
 * `npm run bench [-- --quick]`: taskrest against the alternatives, side by
 * side, in one run on this machine. Starts its own Redis on a free port and a
 * target HTTP server in its own process, then measures (median of 3):
 *
 * 1. HTTP ceilings: axios (default adapter, keep-alive), axios over taskrest's
 *    undici adapter, undici alone — no queue;
 * 2. the queue ceiling: a BullMQ worker whose processor does nothing;
 * 3. the bare peer: a minimal BullMQ worker doing one axios GET per job;
 * 4. taskrest: real `taskrest worker` processes fed by the taskrest producer;
 *
 * and writes bench/results/<date>.json, bench/results/latest.json and the
 * markdown table into docs/performance.md (between the bench markers).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { freePort, startRedisServer } from '../shared/redis-server-process.js';
import { measureBulkEnqueue, type BulkEnqueueResult } from './bulk-enqueue.js';
import { httpCeiling, type Client } from './http-ceilings.js';
import { DIST, startTarget } from './processes.js';
import { measure, type RunResult, type RunSpec } from './queue-runs.js';
import { renderMarkdown, replaceBenchTable, REPORT_PAGE } from './report.js';
import { median } from './stats.js';

const quick = process.argv.includes('--quick');
const KiB = 1024;

const plan = quick
  ? {
      concurrency: [64],
      bodies: [KiB],
      workers: [1],
      jobs: 2000,
      bigJobs: 300,
      reps: 3,
      latencySeconds: 2,
      httpRequests: 5000,
    }
  : {
      concurrency: [16, 64, 256],
      bodies: [KiB, 256 * KiB],
      workers: [1, 2],
      jobs: 5000,
      bigJobs: 500,
      reps: 3,
      latencySeconds: 3,
      httpRequests: 20000,
    };

export interface BenchResults {
  date: string;
  quick: boolean;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; os: string };
  versions: Record<string, string>;
  httpCeilings: Record<Client, number>;
  queueCeiling: RunResult;
  combinedCeiling: number;
  runs: RunResult[];
  bulkEnqueue?: BulkEnqueueResult;
  sane: boolean;
  problems: string[];
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

async function main(): Promise<void> {
  const started = Date.now();
  const redis = await startRedisServer({
    port: await freePort(),
    args: ['--maxmemory-policy', 'noeviction'],
  });
  const target = await startTarget();
  const problems: string[] = [];
  try {
    const base = { redisUrl: redis.url, targetUrl: target.url, latencySeconds: 0 };

    log('HTTP ceilings');
    const httpCeilings = {} as Record<Client, number>;
    for (const client of ['axios-default', 'axios-taskrest-adapter', 'undici'] as const) {
      const reps: number[] = [];
      for (let i = 0; i < 3; i++)
        reps.push(await httpCeiling(client, `${target.url}/bytes/${KiB}`, plan.httpRequests));
      httpCeilings[client] = median(reps);
      log(`  ${client}: ${Math.round(httpCeilings[client])} requests/s`);
    }

    log('queue ceiling (no-op BullMQ worker)');
    const queueCeiling = await measure({
      ...base,
      system: 'noop',
      workers: 1,
      concurrency: 64,
      bodyBytes: KiB,
      jobs: plan.jobs * 2,
      reps: plan.reps,
    });
    log(`  ${Math.round(queueCeiling.throughput)} jobs/s`);
    const combinedCeiling = 1 / (1 / queueCeiling.throughput + 1 / httpCeilings.undici);

    const runs: RunResult[] = [];
    for (const bodyBytes of plan.bodies) {
      for (const workers of plan.workers) {
        for (const concurrency of plan.concurrency) {
          for (const system of ['peer', 'taskrest'] as const) {
            const spec: RunSpec = {
              ...base,
              system,
              workers,
              concurrency,
              bodyBytes,
              jobs: bodyBytes > KiB ? plan.bigJobs : plan.jobs,
              reps: plan.reps,
              latencySeconds: plan.latencySeconds,
            };
            const result = await measure(spec);
            runs.push(result);
            log(
              `  ${system} ${workers}w c${concurrency} ${bodyBytes / KiB}KiB: ${Math.round(result.throughput)} jobs/s, ` +
                `p99 ${result.latency?.p99Ms ?? '-'} ms, rss ${Math.round(result.rssBytes / 2 ** 20)} MiB`,
            );
          }
        }
      }
    }

    log('bulk enqueue: library vs POST /api/tasks/bulk');
    const bulkEnqueue = await measureBulkEnqueue(redis.url, target.url, quick ? 5000 : 20000).catch(
      (error: Error) => {
        problems.push(`bulk enqueue not measured: ${error.message}`);
        return undefined;
      },
    );

    for (const run of [queueCeiling, ...runs]) {
      const { completed, failed, requests, expected } = run.checks;
      const name = `${run.system} ${run.workers}w c${run.concurrency} ${run.bodyBytes}B`;
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
      runs,
      ...(bulkEnqueue ? { bulkEnqueue } : {}),
      sane: problems.length === 0,
      problems,
    };
    writeResults(results);
    log(
      `done in ${Math.round((Date.now() - started) / 1000)} s${problems.length ? `; PROBLEMS:\n${problems.join('\n')}` : ''}`,
    );
    if (problems.some((p) => !p.startsWith('bulk enqueue'))) process.exitCode = 1;
  } finally {
    await target.stop();
    await redis.stop();
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
