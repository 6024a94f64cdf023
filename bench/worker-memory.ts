/**
 * `npm run bench:memory [-- --jobs N] [--runs K] [--concurrency C] [--delay MS]`:
 * the memory of one worker process at full load, for the command as it
 * ships (dist/bundle/taskrest.js), the same build unbundled
 * (dist/bin/taskrest.js) and the bare peer (bench/peer-worker.ts), runs
 * alternating, each on a fresh Redis of its own.
 *
 * Each worker starts on an empty queue, then `jobs` tasks (1 KiB GETs) are
 * enqueued at once and it runs them at `concurrency`. Measured per run:
 * - its peak RSS (VmHWM), as `npm run bench` reports it;
 * - V8's heap at each major garbage collection of the run (`--trace-gc`):
 *   the largest it had grown to (a collection's start) and the median of
 *   what stayed live after.
 *   The old generation grows to a multiple of what stays live, so the heap
 *   that stays live is what decides the peak.
 * Medians over the runs go to stderr and to bench/results/worker-memory.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { freePort, startRedisServer } from '../shared/redis-server-process.js';
import { numberOption } from './bench-args.js';
import { commandOf, producerOf, REPO, THIS_BUILD, unbundledCommandOf } from './build-revision.js';
import { DIST, startProcess, startTarget, targetCount, type BenchProcess } from './processes.js';
import { inBatches } from './bench-scene.js';
import { median } from './stats.js';

interface Options {
  jobs: number;
  runs: number;
  concurrency: number;
  delayMs: number;
}

/** A worker to measure: how to start it on a Redis, and how to enqueue n copies of a task for it. */
interface Subject {
  label: string;
  start(redisUrl: string, options: Options): Promise<BenchProcess>;
  enqueue(redisUrl: string, url: string, n: number): Promise<void>;
}

const QUEUE = 'bench-memory';

/** The major collections `--trace-gc` printed: heap MB at the start and after. */
const MARK_COMPACT = /Mark-Compact ([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB/g;

function taskrest(label: string, command: string): Subject {
  const env = (redisUrl: string, options?: Options) => ({
    REDIS_URL: redisUrl,
    TASKREST_QUEUE: QUEUE,
    TASKREST_KEEP_COMPLETED_COUNT: '10000000',
    TASKREST_LOG_LEVEL: 'info',
    ...(options ? { WORKER_CONCURRENCY: String(options.concurrency) } : {}),
  });
  return {
    label,
    start: (redisUrl, options) =>
      startProcess(command, ['worker'], env(redisUrl, options), /worker started/, ['--trace-gc']),
    async enqueue(redisUrl, url, n) {
      const producer = await producerOf(THIS_BUILD, env(redisUrl));
      try {
        await inBatches(n, async (count) => {
          const added = await producer.enqueueBulk(new Array<object>(count).fill({ url }));
          return added.map((a) => String(a.executionId));
        });
      } finally {
        await producer.close();
      }
    },
  };
}

const PEER: Subject = {
  label: 'bare peer',
  start: (redisUrl, options) =>
    startProcess(
      path.join(DIST, 'bench', 'peer-worker.js'),
      [],
      { REDIS_URL: redisUrl, QUEUE, CONCURRENCY: String(options.concurrency) },
      /ready/,
      ['--trace-gc'],
    ),
  async enqueue(redisUrl, url, n) {
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE, { connection });
    try {
      await inBatches(n, async (count) => {
        const jobs = await queue.addBulk(
          Array.from({ length: count }, () => ({ name: 'get', data: { url } })),
        );
        return jobs.map((j) => j.id ?? '');
      });
    } finally {
      await queue.close();
      connection.disconnect();
    }
  },
};

interface Measured {
  peakRssMiB: number;
  /** Heap (MB, as V8 prints it) at the start of the largest major collection. */
  heapBeforeMajorMB: number;
  /** Heap that stayed live after the major collections of the run (their median). */
  liveAfterMajorMB: number;
  /** Major collections from the worker's start to the last job. */
  majorCollections: number;
}

/** Runs `options.jobs` through the subject's worker on a fresh Redis; what its memory did. */
async function measure(subject: Subject, targetUrl: string, options: Options): Promise<Measured> {
  const redis = await startRedisServer({ port: await freePort() });
  let worker: BenchProcess | undefined;
  try {
    worker = await subject.start(redis.url, options);
    // What `--trace-gc` prints from here on: the collections of the run, not of the start.
    let output = '';
    worker.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = `${targetUrl}/bytes/1024${options.delayMs ? `?delay=${options.delayMs}` : ''}`;
    const servedBefore = await targetCount(targetUrl);
    await subject.enqueue(redis.url, url, options.jobs);
    while ((await targetCount(targetUrl)) - servedBefore < options.jobs) await sleep(100);
    // Let the last jobs finish.
    await sleep(500);
    const peakRssMiB = worker.peakRss() / 2 ** 20;
    const majors = [...output.matchAll(MARK_COMPACT)].map((m) => ({
      before: Number(m[1]),
      after: Number(m[2]),
    }));
    return {
      peakRssMiB,
      heapBeforeMajorMB: Math.max(0, ...majors.map((m) => m.before)),
      liveAfterMajorMB: median(majors.map((m) => m.after)),
      majorCollections: majors.length,
    };
  } finally {
    await worker?.stop();
    await redis.stop();
  }
}

async function main(): Promise<void> {
  const options: Options = {
    jobs: numberOption('--jobs', 20_000),
    runs: numberOption('--runs', 3),
    concurrency: numberOption('--concurrency', 256),
    delayMs: numberOption('--delay', 0),
  };
  const subjects = [
    taskrest('taskrest (bundle)', commandOf(DIST)),
    taskrest('taskrest (unbundled)', unbundledCommandOf(DIST)),
    PEER,
  ];
  const results = new Map<string, Measured[]>(subjects.map((s) => [s.label, []]));
  const target = await startTarget();
  try {
    for (let run = 0; run < options.runs; run++) {
      // Alternate the order, so that a change in the machine's load falls on each alike.
      for (const subject of run % 2 === 0 ? subjects : [...subjects].reverse()) {
        const measured = await measure(subject, target.url, options);
        results.get(subject.label)?.push(measured);
        process.stderr.write(
          `${subject.label}: peak RSS ${measured.peakRssMiB.toFixed(0)} MiB, heap at most ${measured.heapBeforeMajorMB} MB before a major GC, ${measured.liveAfterMajorMB} MB live after (${measured.majorCollections} major GCs)\n`,
        );
      }
    }
  } finally {
    await target.stop();
  }
  const summary = [...results].map(([label, runs]) => ({
    label,
    peakRssMiB: median(runs.map((r) => r.peakRssMiB)),
    heapBeforeMajorMB: median(runs.map((r) => r.heapBeforeMajorMB)),
    liveAfterMajorMB: median(runs.map((r) => r.liveAfterMajorMB)),
    runs,
  }));
  const peer = summary.find((s) => s.label === PEER.label);
  for (const s of summary) {
    const ratio = peer ? ` (${(s.peakRssMiB / peer.peakRssMiB).toFixed(2)}x the peer)` : '';
    process.stderr.write(
      `median ${s.label}: peak RSS ${s.peakRssMiB.toFixed(0)} MiB${ratio}, ${s.heapBeforeMajorMB} MB before a major GC, ${s.liveAfterMajorMB} MB live after\n`,
    );
  }
  const dir = path.join(REPO, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'worker-memory.json'),
    `${JSON.stringify({ date: new Date().toISOString(), options, summary }, null, 2)}\n`,
  );
}

await main();
