/**
 * `npm run bench:history [-- --records N] [--runs N] [--keep] [--reuse]`:
 * the history at production size on the machine's PostgreSQL
 * (TASKREST_BENCH_HISTORY_URL, default postgres://postgres@127.0.0.1:5432).
 *
 * It loads a million records of the last 7 days through the recorder's own
 * path (bench/history-load.ts: the workers' stream script, then a real
 * Recorder into a HistoryStore) and reports the load rate, then times each
 * query 200 times after 10 warm-up runs and reports p50/p95: first through
 * the HTTP API (started in this process, on loopback), as a user meets
 * them (a filtered first page: state=failed, the busiest origin, the last
 * 24 h; the first page of the whole list against one 100,000 rows deep,
 * reached by following the cursor; the stats of 24 hours), then the same
 * and a few more at the store. Targets: a filtered page under 50 ms at
 * p95, the 24-hour stats under 300 ms. Writes
 * bench/results/history-queries.json (with the load average), prints a
 * table, and drops the database unless --keep; --reuse takes a kept one
 * that holds as many records as it is (bench/history-database.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type { HistoryStore } from '../history/history-store.js';
import {
  parseExecutionFilter,
  parseStatsFilter,
  type ExecutionFilter,
} from '../shared/history/execution-filter.js';
import { startBenchApi } from './bench-api.js';
import { serverVersion } from './bench-postgres.js';
import { openBenchHistory } from './history-database.js';
import { measureHttp } from './history-http.js';
import { benchOrigin } from './history-records.js';
import { timeRuns, type TimedResult } from './timed-runs.js';
import { numberOption, runHeader, workerRate } from './bench-args.js';

const RECORDS = numberOption('--records', 1_000_000);
const COUNTS = { runs: numberOption('--runs', 200), warmup: 10 };
const HOUR = 3_600_000;
/** How deep the deep page is: 2,000 pages of 50 (100,000 rows), fewer for a small load. */
const DEEP_PAGES = Math.min(2000, Math.floor(RECORDS / 50) - 1);

/** The cursor `pages` pages into `filter`'s list, at the store. */
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

/** The store's own timings (no HTTP): the same queries, deeper pages, `q` searches. */
async function measureStore(store: HistoryStore, now: number): Promise<TimedResult[]> {
  const since = new Date(now - 24 * HOUR);
  const page = (filter: ExecutionFilter) => async () =>
    (await store.list(parseExecutionFilter(filter))).executions.length;
  const busy = { state: 'failed', origin: benchOrigin(0), since, limit: 50 } as const;
  const quiet = { ...busy, origin: benchOrigin(45) };
  const all = { limit: 50 };
  const allCursor = await cursorAfter(store, all, 20);
  const busyCursor = await cursorAfter(store, busy, 5);
  const stats = parseStatsFilter({ since, until: new Date(now) }, now);
  const c = COUNTS;
  return [
    await timeRuns('filtered first page (failed, busy origin, 24 h)', c, page(busy), 50),
    await timeRuns('filtered first page (failed, quiet origin, 24 h)', c, page(quiet), 50),
    await timeRuns('unfiltered page 21 via cursor', c, page({ ...all, cursor: allCursor })),
    await timeRuns('filtered page 6 via cursor', c, page({ ...busy, cursor: busyCursor })),
    await timeRuns('q rare text (ord-4242), 7 days', c, page({ q: 'ord-4242', limit: 50 })),
    await timeRuns(
      'q common text (payment gateway), 24 h',
      c,
      page({ q: 'payment gateway', since, limit: 50 }),
    ),
    await timeRuns(
      'stats, 24 h, 60 buckets',
      c,
      async () => (await store.stats(stats)).buckets.length,
      300,
    ),
  ];
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg();
  const history = await openBenchHistory(RECORDS, process.argv.includes('--reuse'), (line) =>
    console.log(line),
  );
  const worker = workerRate();
  try {
    console.log(
      `load: ${history.load.records_per_s} records/s through the recorder` +
        (worker ? ` (target ${2 * worker}: twice one worker's ${worker} jobs/s)` : ''),
    );
    const api = await startBenchApi(history.redisServer.url, history.store);
    let http: TimedResult[];
    try {
      console.log(`HTTP (${COUNTS.runs} runs each, after ${COUNTS.warmup} warm-up runs):`);
      http = await measureHttp(api.url, history.loadedAt, COUNTS, DEEP_PAGES);
    } finally {
      await api.close();
    }
    console.log('store:');
    const store = await measureStore(history.store, history.loadedAt);
    const results = {
      ...runHeader(loadBefore),
      postgres: await serverVersion(),
      records: RECORDS,
      database_reused: history.reused,
      loaded_at: new Date(history.loadedAt).toISOString(),
      load: {
        ...history.load,
        path: 'worker stream script, then Recorder into HistoryStore',
        worker_jobs_per_s: worker,
        target_records_per_s: worker === undefined ? undefined : 2 * worker,
      },
      runs: COUNTS.runs,
      http,
      store,
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/history-queries.json', `${JSON.stringify(results, null, 2)}\n`);
    console.table([...http, ...store]);
  } finally {
    await history.close(process.argv.includes('--keep'));
  }
}

await main();
