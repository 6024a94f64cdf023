/**
 * Soak run: many small tasks through worker processes for minutes, to show
 * that Redis memory and worker heap level off under the retention defaults.
 * Not part of `npm test`.
 *
 *   npm run build && node dist/bench/soak.js
 *
 * Starts its own redis-server on a free port (noeviction, AOF everysec, as
 * docs/operations.md recommends), a small JSON target on loopback,
 * and SOAK_WORKERS `taskrest worker` processes (the built CLI) with their
 * health endpoint. It enqueues SOAK_TASKS tasks in bulks, keeping at most
 * SOAK_BACKLOG waiting so that memory shows retention rather than backlog,
 * and every SOAK_SAMPLE_SECONDS samples Redis `used_memory` and each worker's
 * heap (`/livez`). Prints a table and writes bench/results/soak.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { TaskProducer } from '../producer/task-producer.js';
import { producerOptionsOf } from '../producer/task-producer-options.js';
import { loadConfig } from '../shared/config.js';
import { startRedisServer } from '../shared/redis-server-process.js';
import { freePort } from '../shared/redis-server-process.js';

const TASKS = Number(process.env.SOAK_TASKS ?? 100_000);
const WORKERS = Number(process.env.SOAK_WORKERS ?? 2);
const BACKLOG = Number(process.env.SOAK_BACKLOG ?? 5_000);
const SAMPLE_MS = Number(process.env.SOAK_SAMPLE_SECONDS ?? 5) * 1000;
const BULK = 500;
const CLI = fileURLToPath(new URL('../bin/taskrest.js', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../bench/results/', import.meta.url));
const MiB = 1024 * 1024;

interface Sample {
  seconds: number;
  finished: number;
  perSecond: number;
  waiting: number;
  redisUsedMiB: number;
  redisKeys: number;
  workerHeapMiB: number[];
  workerRssMiB: number[];
}

interface SoakWorker {
  child: ChildProcess;
  healthPort: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const mib = (bytes: number) => Math.round((bytes / MiB) * 10) / 10;

function startWorker(env: Record<string, string>): Promise<SoakWorker> {
  const child = spawn(process.execPath, [CLI, 'worker'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not started:\n${output}`)), 20_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      // Keep only the start line's neighbourhood; a soak must not grow its own memory.
      if (output.length < 10_000) output += chunk.toString();
      const port = /"worker started".*"healthPort":(\d+)/.exec(output)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve({ child, healthPort: Number(port) });
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited ${code}:\n${output}`)));
  });
}

async function probe(port: number, path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return (await response.json()) as Record<string, unknown>;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'taskrest-soak-'));
  const redisServer = await startRedisServer({
    port: await freePort(),
    args: ['--appendonly', 'yes', '--dir', dir, '--maxmemory-policy', 'noeviction'],
  });
  const target = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true,"value":"a small answer"}');
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;

  const env = {
    REDIS_URL: redisServer.url,
    TASKREST_QUEUE: 'soak',
    TASKREST_LOG_LEVEL: 'info',
    TASKREST_HEALTH_PORT: '0',
  };
  const config = loadConfig({ ...process.env, ...env });
  const workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorker(env)));
  const producer = new TaskProducer(producerOptionsOf(config));
  const redis = new Redis(redisServer.url);
  const queue = new Queue(config.queueName, { connection: redis, prefix: config.prefix });
  const samples: Sample[] = [];
  const startedAt = Date.now();

  const finishedCount = async () => {
    const states = await Promise.all(workers.map((w) => probe(w.healthPort, '/readyz')));
    return states.reduce((sum, s) => sum + Number(s.finishedJobs ?? 0), 0);
  };
  let lastFinished = 0;
  let lastAt = startedAt;
  const sample = async () => {
    const now = Date.now();
    const finished = await finishedCount();
    const memory = await redis.info('memory');
    const lives = await Promise.all(workers.map((w) => probe(w.healthPort, '/livez')));
    const row: Sample = {
      seconds: Math.round((now - startedAt) / 1000),
      finished,
      perSecond: Math.round(((finished - lastFinished) * 1000) / Math.max(1, now - lastAt)),
      waiting: await queue.getWaitingCount(),
      redisUsedMiB: mib(Number(/used_memory:(\d+)/.exec(memory)?.[1] ?? 0)),
      redisKeys: await redis.dbsize(),
      workerHeapMiB: lives.map((l) => mib(Number((l.memory as { heapUsed: number }).heapUsed))),
      workerRssMiB: lives.map((l) => mib(Number((l.memory as { rss: number }).rss))),
    };
    lastFinished = finished;
    lastAt = now;
    samples.push(row);
    console.log(
      [
        String(row.seconds).padStart(5),
        String(row.finished).padStart(8),
        String(row.perSecond).padStart(6),
        String(row.waiting).padStart(7),
        String(row.redisUsedMiB).padStart(9),
        String(row.redisKeys).padStart(7),
        row.workerHeapMiB.map((v) => String(v).padStart(6)).join(' '),
        row.workerRssMiB.map((v) => String(v).padStart(6)).join(' '),
      ].join(' '),
    );
  };
  console.log(
    `soak: ${TASKS} tasks, ${WORKERS} workers, retention ${JSON.stringify(config.keepCompleted)}`,
  );
  console.log('    s finished    /s waiting redis MiB   keys  worker heap MiB   worker rss MiB');
  const sampler = setInterval(() => void sample().catch(() => undefined), SAMPLE_MS);

  let enqueued = 0;
  while (enqueued < TASKS) {
    if ((await queue.getWaitingCount()) > BACKLOG) {
      await sleep(100);
      continue;
    }
    const n = Math.min(BULK, TASKS - enqueued);
    await producer.enqueueBulk(
      Array.from({ length: n }, (_, i) => ({ url: `${targetUrl}/item/${enqueued + i}` })),
    );
    enqueued += n;
  }
  while ((await finishedCount()) < TASKS) await sleep(500);
  clearInterval(sampler);
  await sample();

  const seconds = (Date.now() - startedAt) / 1000;
  const half = samples.slice(Math.floor(samples.length / 2));
  const firstHalf = samples.slice(0, Math.floor(samples.length / 2));
  const peak = (rows: Sample[], pick: (s: Sample) => number) =>
    rows.reduce((m, s) => Math.max(m, pick(s)), 0);
  const summary = {
    tasks: TASKS,
    workers: WORKERS,
    seconds: Math.round(seconds),
    perSecond: Math.round(TASKS / seconds),
    retention: { completed: config.keepCompleted, failed: config.keepFailed },
    redisUsedMiB: {
      peakFirstHalf: peak(firstHalf, (s) => s.redisUsedMiB),
      peakSecondHalf: peak(half, (s) => s.redisUsedMiB),
      end: samples.at(-1)?.redisUsedMiB,
    },
    workerHeapMiB: {
      peakFirstHalf: peak(firstHalf, (s) => Math.max(...s.workerHeapMiB)),
      peakSecondHalf: peak(half, (s) => Math.max(...s.workerHeapMiB)),
      end: samples.at(-1)?.workerHeapMiB,
    },
    jobsKept: await queue.getJobCounts('completed', 'failed'),
  };
  console.log(JSON.stringify(summary, null, 2));
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'soak.json'), `${JSON.stringify({ summary, samples }, null, 2)}\n`);

  await producer.close();
  await queue.close();
  redis.disconnect();
  for (const worker of workers) worker.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => new Promise((resolve) => w.child.once('exit', resolve))));
  await new Promise((resolve) => target.close(resolve));
  await redisServer.stop();
  rmSync(dir, { recursive: true, force: true });
}

await main();
