/**
 * `npm run bench:recorder [-- --records N] [--runs K] [--filled | --filled-only] [--fill-records N]
 * [--batch-size N] [--parallel N]` (the last two override the recorder's defaults, to compare):
 * how fast one recorder moves records from a queue's Redis stream into
 * PostgreSQL, against the requirement that it writes at least twice the
 * rate one worker finishes jobs at (bench/results/latest.json: 1 worker,
 * concurrency 64, 1 KiB bodies).
 *
 * Each run starts from a stream pre-filled with N realistic records
 * (bench/recorder-records.ts, appended with the workers' own script in
 * pipelined batches) and a fresh database on the machine's PostgreSQL
 * (TASKREST_BENCH_HISTORY_URL, default postgres://postgres@127.0.0.1:5432),
 * then starts one Recorder into one HistoryStore, as `taskrest api` wires
 * them, and times from its start until the stream is empty: the recorder
 * deletes entries only after their transaction committed, so an empty
 * stream means every row is in (counted after, to be sure). The median of
 * the runs is reported. With `--filled` the same runs go into one database
 * that already holds a million records of the last week (history-fill.ts),
 * since the indexes cost more to maintain as they grow; each run adds its
 * records to that table. Bytes per record: the stream's MEMORY USAGE over
 * its entries before the recorder starts, and PostgreSQL's total size of
 * every partition (indexes and TOAST included) over its rows, and what it
 * grew by over the records a run added (the fill's rows are smaller). Runs its own
 * redis-server on a free port; writes bench/results/recorder-rate.json.
 */
import { randomBytes } from 'node:crypto';
import { BENCH_POSTGRES, onServer } from './bench-postgres.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { openHistory } from '../history/open-history.js';
import { PostgresClient } from '../history/postgres-client.js';
import { DEFAULT_BATCH_SIZE, DEFAULT_PARALLEL_WRITES, Recorder } from '../history/recorder.js';
import type { SqlClient } from '../history/sql-client.js';
import { historyStreamKey } from '../shared/history/history-stream.js';
import type { Logger } from '../shared/logger.js';
import { queueRegistry } from '../shared/queue-registry.js';
import { freePort, startRedisServer } from '../shared/redis-server-process.js';
import { fillHistory } from './history-fill.js';
import { prefillStream } from './recorder-records.js';
import { median, round } from './stats.js';
import { numberOption, workerRate } from './bench-args.js';

const SERVER = BENCH_POSTGRES;
const PREFIX = 'taskrest';
const QUEUE = 'bench-recorder';
const REF = { prefix: PREFIX, queueName: QUEUE };

const RECORDS = numberOption('--records', 100_000);
const RUNS = numberOption('--runs', 3);
const FILL_RECORDS = numberOption('--fill-records', 1_000_000);
const BATCH_SIZE = process.argv.includes('--batch-size')
  ? numberOption('--batch-size', 0)
  : undefined;
const PARALLEL = process.argv.includes('--parallel') ? numberOption('--parallel', 0) : undefined;
const FILLED = process.argv.includes('--filled');
const EMPTY = !process.argv.includes('--filled-only');

/** The recorder's logs go to stderr only when they are warnings: an outage would show. */
const logger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (message, fields) => console.error(message, fields ?? ''),
  error: (message, fields) => console.error(message, fields ?? ''),
};

interface RunResult {
  records: number;
  seconds: number;
  records_per_s: number;
  redis_bytes_per_record: number;
  pg_bytes_per_record: number;
  /** What the table grew by over the records this run added (the filled table's rows are smaller). */
  pg_bytes_per_added_record: number;
  table_rows: number;
}

/** Total bytes of every partition of executions (heap, TOAST, indexes) and its rows. */
async function tableSize(client: SqlClient): Promise<{ bytes: number; rows: number }> {
  const [size] = await client.query<{ bytes: number }>(
    `SELECT sum(pg_total_relation_size(inhrelid))::int8 AS bytes FROM pg_inherits
      WHERE inhparent = 'executions'::regclass`,
  );
  const [count] = await client.query<{ rows: number }>('SELECT count(*) AS rows FROM executions');
  return { bytes: size?.bytes ?? 0, rows: count?.rows ?? 0 };
}

/** The table's size at `url`, on a connection of its own. */
async function sizeAt(url: string): Promise<{ bytes: number; rows: number }> {
  const client = new PostgresClient(url, { max: 1 });
  try {
    return await tableSize(client);
  } finally {
    await client.close();
  }
}

/** Waits until the stream is empty (every entry written, committed and deleted); polls every 5 ms. */
async function drained(redis: Redis, key: string): Promise<void> {
  while ((await redis.xlen(key)) > 0) await sleep(5);
}

/**
 * One timed run into the database at `url` (holding `before` rows): the
 * stream filled, then one recorder from its start until the stream is empty.
 */
async function timedRun(redis: Redis, url: string, before: number, run: number) {
  await redis.flushall();
  await queueRegistry.add(redis, PREFIX, QUEUE, { maxQueues: 10, defaultQueue: QUEUE });
  const key = historyStreamKey(REF);
  const dropped = await prefillStream(redis, REF, RECORDS, `r${run}-`, Date.now());
  if (dropped > 0) throw new Error(`the stream's cap trimmed ${dropped} records`);
  const streamBytes = Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
  const store = await openHistory({ url });
  const sizeBefore = await sizeAt(url);
  const recorderRedis = new Redis(redis.options);
  const recorder = new Recorder({
    redis: recorderRedis,
    prefix: PREFIX,
    defaultQueue: QUEUE,
    sink: store,
    logger,
    historyDays: 30,
    idleMs: 5,
    ...(BATCH_SIZE ? { batchSize: BATCH_SIZE } : {}),
    ...(PARALLEL ? { parallelWrites: PARALLEL } : {}),
  });
  const started = performance.now();
  recorder.start();
  await drained(redis, key);
  const seconds = (performance.now() - started) / 1000;
  await recorder.stop();
  recorderRedis.disconnect();
  const checker = new PostgresClient(url, { max: 1 });
  try {
    const size = await tableSize(checker);
    if (size.rows !== before + RECORDS) {
      throw new Error(`${size.rows} rows, expected ${before + RECORDS}`);
    }
    const result: RunResult = {
      records: RECORDS,
      seconds: round(seconds, 2),
      records_per_s: Math.round(RECORDS / seconds),
      redis_bytes_per_record: Math.round(streamBytes / RECORDS),
      pg_bytes_per_record: Math.round(size.bytes / size.rows),
      pg_bytes_per_added_record: Math.round((size.bytes - sizeBefore.bytes) / RECORDS),
      table_rows: size.rows,
    };
    console.log(
      `  run ${run}: ${result.records_per_s} records/s (${result.seconds} s), ` +
        `${result.redis_bytes_per_record} B/record in Redis, ${result.pg_bytes_per_record} B/row in PostgreSQL (${size.rows} rows)`,
    );
    return result;
  } finally {
    await checker.close();
    await store.close();
  }
}

/** A fresh database for the body of `fn`, dropped after. */
async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const database = `taskrest_bench_${randomBytes(4).toString('hex')}`;
  await onServer(`CREATE DATABASE ${database}`);
  try {
    return await fn(`${SERVER}/${database}`);
  } finally {
    await onServer(`DROP DATABASE ${database} WITH (FORCE)`);
  }
}

/** RUNS runs, each into a fresh database. */
async function emptyRuns(redis: Redis): Promise<RunResult[]> {
  console.log(`empty table: ${RUNS} runs of ${RECORDS.toLocaleString('en-US')} records`);
  const runs: RunResult[] = [];
  for (let run = 1; run <= RUNS; run++) {
    runs.push(await withDatabase((url) => timedRun(redis, url, 0, run)));
  }
  return runs;
}

/** RUNS runs into one database filled with FILL_RECORDS records first, each adding its records. */
async function filledRuns(redis: Redis): Promise<RunResult[]> {
  return withDatabase(async (url) => {
    const store = await openHistory({ url });
    await store.close();
    const filler = new PostgresClient(url, { max: 1 });
    console.log(`filling ${FILL_RECORDS.toLocaleString('en-US')} records`);
    try {
      await fillHistory(filler, FILL_RECORDS, Date.now(), (line) => console.log(line));
    } finally {
      await filler.close();
    }
    console.log(`filled table: ${RUNS} runs of ${RECORDS.toLocaleString('en-US')} records`);
    const runs: RunResult[] = [];
    for (let run = 1; run <= RUNS; run++) {
      runs.push(await timedRun(redis, url, FILL_RECORDS + (run - 1) * RECORDS, run));
    }
    return runs;
  });
}

function summary(runs: RunResult[]) {
  return {
    median_records_per_s: median(runs.map((r) => r.records_per_s)),
    redis_bytes_per_record: median(runs.map((r) => r.redis_bytes_per_record)),
    pg_bytes_per_record: median(runs.map((r) => r.pg_bytes_per_record)),
    pg_bytes_per_added_record: median(runs.map((r) => r.pg_bytes_per_added_record)),
    runs,
  };
}

async function postgresVersion(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: `${SERVER}/postgres` });
  await client.connect();
  try {
    return ((await client.query('SELECT version()')).rows[0] as { version: string }).version;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const server = await startRedisServer({ port: await freePort() });
  const redis = new Redis(server.url);
  try {
    const worker = workerRate();
    const empty = EMPTY ? summary(await emptyRuns(redis)) : undefined;
    const filled = FILLED ? summary(await filledRuns(redis)) : undefined;
    const results = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
      postgres: await postgresVersion(),
      records: RECORDS,
      runs_each: RUNS,
      batch_size: BATCH_SIZE ?? DEFAULT_BATCH_SIZE,
      parallel_writes: PARALLEL ?? DEFAULT_PARALLEL_WRITES,
      worker_jobs_per_s: worker,
      target_records_per_s: worker === undefined ? undefined : 2 * worker,
      empty_table: empty,
      filled_table: filled ? { fill_records: FILL_RECORDS, ...filled } : undefined,
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/recorder-rate.json', `${JSON.stringify(results, null, 2)}\n`);
    const row = (name: string, s: ReturnType<typeof summary> | undefined) =>
      s && {
        table: name,
        'records/s (median)': s.median_records_per_s,
        'target records/s': results.target_records_per_s,
        'B/record Redis': s.redis_bytes_per_record,
        'B/row PostgreSQL': s.pg_bytes_per_record,
        'B/added record PostgreSQL': s.pg_bytes_per_added_record,
      };
    console.table([row('empty', empty), row(`~${FILL_RECORDS} rows`, filled)].filter(Boolean));
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

await main();
