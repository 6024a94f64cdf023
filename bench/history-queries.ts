/**
 * `npm run bench:history [-- --records N] [--runs N] [--keep]`: the history's
 * queries on the machine's PostgreSQL (TASKREST_BENCH_HISTORY_URL, default
 * postgres://postgres@127.0.0.1:5432) at production size. It makes a fresh
 * database, fills it with a million records of the last 7 days
 * (bench/history-fill.ts), VACUUM ANALYZEs, then times each query ~200 times
 * (after 10 warm-up runs) and reports p50/p95: a filtered first page
 * (state=failed, one origin, the last 24 h, limit 50), deeper pages through
 * the cursor, `q` searches, and the stats of 24 hours; then the writer's
 * throughput in batches of 500 through `write()`. Targets: a filtered page
 * under 50 ms at p95, the 24-hour stats under 300 ms. Writes
 * bench/results/history-queries.json, prints a table, and drops the
 * database (unless --keep).
 */
import { randomBytes } from 'node:crypto';
import { BENCH_POSTGRES, onServer } from './bench-postgres.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type { HistoryStore } from '../history/history-store.js';
import { openHistory } from '../history/open-history.js';
import { PostgresClient } from '../history/postgres-client.js';
import {
  parseExecutionFilter,
  parseStatsFilter,
  type ExecutionFilter,
} from '../shared/history/execution-filter.js';
import type { ExecutionRecord } from '../shared/history/execution-record.js';
import { benchOrigin, fillHistory } from './history-fill.js';
import { percentile, round } from './stats.js';

const SERVER = BENCH_POSTGRES;
const option = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const RECORDS = option('--records', 1_000_000);
const RUNS = option('--runs', 200);
const WARMUP = 10;
const HOUR = 3_600_000;

interface QueryResult {
  name: string;
  p50_ms: number;
  p95_ms: number;
  rows: number;
  target_p95_ms?: number;
}

/** Times `run` RUNS times after WARMUP runs; `rows` is what one run returned. */
async function measure(
  name: string,
  run: () => Promise<number>,
  target?: number,
): Promise<QueryResult> {
  for (let i = 0; i < WARMUP; i++) await run();
  const samples: number[] = [];
  let rows = 0;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    rows = await run();
    samples.push(performance.now() - started);
  }
  const result = {
    name,
    p50_ms: round(percentile(samples, 50), 2),
    p95_ms: round(percentile(samples, 95), 2),
    rows,
    ...(target !== undefined ? { target_p95_ms: target } : {}),
  };
  console.log(`  ${name}: p50 ${result.p50_ms} ms, p95 ${result.p95_ms} ms (${rows} rows)`);
  return result;
}

/** The cursor `pages` pages into `filter`'s list. */
async function cursorAfter(store: HistoryStore, filter: ExecutionFilter, pages: number) {
  let cursor: string | null = null;
  for (let i = 0; i < pages; i++) {
    const page = await store.list(
      parseExecutionFilter({ ...filter, ...(cursor ? { cursor } : {}) }),
    );
    cursor = page.next_cursor;
    if (cursor === null) throw new Error(`the list ended before page ${pages + 1}`);
  }
  return cursor!;
}

async function measureQueries(store: HistoryStore, now: number): Promise<QueryResult[]> {
  const since = new Date(now - 24 * HOUR);
  const page = (filter: ExecutionFilter) => async () =>
    (await store.list(parseExecutionFilter(filter))).executions.length;
  const busy = { state: 'failed', origin: benchOrigin(0), since, limit: 50 } as const;
  const quiet = { ...busy, origin: benchOrigin(45) };
  const all = { limit: 50 };
  const allCursor = await cursorAfter(store, all, 20);
  const busyCursor = await cursorAfter(store, busy, 5);
  const stats = parseStatsFilter({ since, until: new Date(now) }, now);
  return [
    await measure('filtered first page (failed, busy origin, 24 h)', page(busy), 50),
    await measure('filtered first page (failed, quiet origin, 24 h)', page(quiet), 50),
    await measure('unfiltered page 21 via cursor', page({ ...all, cursor: allCursor })),
    await measure('filtered page 6 via cursor', page({ ...busy, cursor: busyCursor })),
    await measure('q rare text (ord-4242), 7 days', page({ q: 'ord-4242', limit: 50 })),
    await measure(
      'q common text (payment gateway), 24 h',
      page({ q: 'payment gateway', since, limit: 50 }),
    ),
    await measure(
      'stats, 24 h, 60 buckets',
      async () => (await store.stats(stats)).buckets.length,
      300,
    ),
  ];
}

/** Records/s of `batches` batches of 500 through `write()`, records finished in the last hour. */
async function measureWriter(store: HistoryStore, now: number, batches = 40) {
  const batchSize = 500;
  const started = performance.now();
  for (let b = 0; b < batches; b++) {
    const records = Array.from({ length: batchSize }, (_, i) =>
      benchRecord(now, b * batchSize + i),
    );
    await store.write(records);
  }
  const seconds = (performance.now() - started) / 1000;
  const result = {
    batch_size: batchSize,
    batches,
    records_per_s: Math.round((batches * batchSize) / seconds),
    ms_per_batch: round((seconds * 1000) / batches, 1),
  };
  console.log(
    `  writer: ${result.records_per_s} records/s (${result.ms_per_batch} ms per batch of 500)`,
  );
  return result;
}

function benchRecord(now: number, n: number): ExecutionRecord {
  const finishedAt = now - (n % 3600) * 1000;
  const url = `${benchOrigin(n % 50)}/v1/customers/cus-${n % 9973}/orders/w-${n}?expand=lines`;
  const failed = n % 5 === 0;
  const message = failed ? 'Request failed with status code 503 after 3 attempts' : 'OK';
  return {
    queue: `queue-${n % 20}`,
    execution_id: `w-${n}`,
    run: 1,
    state: failed ? 'failed' : 'completed',
    method: 'POST',
    url,
    origin: benchOrigin(n % 50),
    status_code: failed ? 503 : 200,
    message,
    attempts: failed ? 3 : 1,
    enqueued_at: new Date(finishedAt - 400).toISOString(),
    started_at: new Date(finishedAt - 250).toISOString(),
    finished_at: new Date(finishedAt).toISOString(),
    duration_ms: 250,
    ...(n % 10 === 0 ? { flow_key: `flow-${n % 5000}` } : {}),
    output: {
      execution_id: `w-${n}`,
      status: failed ? 'error' : 'success',
      message,
      status_code: failed ? 503 : 200,
      headers: { 'content-type': 'application/json', 'x-request-id': `req-${n}` },
      text: `{"id":"w-${n}","status":"accepted","lines":[{"sku":"A-100","qty":2}],"total":"129.90"}`,
      cookies: {},
      encoding: 'utf-8',
      log: [`POST ${url} -> ${failed ? 503 : 200}`],
    },
  };
}

async function main(): Promise<void> {
  const database = `taskrest_bench_${randomBytes(4).toString('hex')}`;
  const url = `${SERVER}/${database}`;
  await onServer(`CREATE DATABASE ${database}`);
  const store = await openHistory({ url });
  const filler = new PostgresClient(url, { max: 1 });
  try {
    const now = Date.now();
    console.log(`history bench: ${RECORDS.toLocaleString('en-US')} records into ${database}`);
    const fillSeconds = await fillHistory(filler, RECORDS, now, (line) => console.log(line));
    const [server] = await filler.query<{ version: string }>('SELECT version()');
    console.log(`queries (${RUNS} runs each, after ${WARMUP} warm-up runs):`);
    const queries = await measureQueries(store, now);
    const writer = await measureWriter(store, Date.now());
    const results = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
      postgres: server?.version,
      records: RECORDS,
      fill_seconds: round(fillSeconds, 1),
      runs: RUNS,
      queries,
      writer,
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/history-queries.json', `${JSON.stringify(results, null, 2)}\n`);
    console.table(queries);
  } finally {
    await filler.close();
    await store.close();
    if (!process.argv.includes('--keep')) await onServer(`DROP DATABASE ${database} WITH (FORCE)`);
  }
}

await main();
