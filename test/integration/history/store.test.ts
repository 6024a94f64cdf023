import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryStore } from '../../../history/history-store.js';
import { openHistory } from '../../../history/open-history.js';
import { DAY_MS } from '../../../history/partitions.js';
import { MAX_RANGE_BUCKETS } from '../../../history/stats-query.js';
import {
  parseExecutionFilter,
  type ExecutionFilter,
} from '../../../shared/history/execution-filter.js';
import type { ExecutionRecord } from '../../../shared/history/execution-record.js';
import {
  freshEmbeddedDatabase,
  freshPostgresDatabase,
  type TestHistoryDatabase,
} from '../../helpers/history-databases.js';
import {
  idOf,
  makeRecord,
  newestFirst,
  ORIGIN_A,
  ORIGIN_B,
  outputOf,
  sixtyRecords,
} from '../../helpers/history-records.js';

/** The 60 list records end a minute ago; every other test writes a day or more before them. */
const NEWEST = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
const WINDOW = { since: new Date(NEWEST - 2 * 3_600_000), until: new Date(NEWEST + 1) };
const EARLIER = NEWEST - 2 * DAY_MS;
const fixture = sixtyRecords(NEWEST);

describe.each([
  { backend: 'PostgreSQL', fresh: freshPostgresDatabase },
  { backend: 'PGlite', fresh: freshEmbeddedDatabase },
])('HistoryStore on $backend', ({ fresh }) => {
  let database: TestHistoryDatabase;
  let store: HistoryStore;

  beforeAll(async () => {
    database = await fresh();
    store = await openHistory(database.location);
    expect(await store.write(fixture)).toBe(60);
  });

  afterAll(async () => {
    await store?.close();
    await database?.destroy();
  });

  /** Every page of `filter`, following next_cursor. */
  async function allPages(filter: ExecutionFilter): Promise<ExecutionRecord[][]> {
    const pages: ExecutionRecord[][] = [];
    let cursor: string | null = null;
    do {
      const page = await store.list(
        parseExecutionFilter({ ...filter, ...(cursor ? { cursor } : {}) }),
      );
      expect(page.source).toBe('history');
      pages.push(page.executions);
      cursor = page.next_cursor;
    } while (cursor !== null && pages.length < 100);
    return pages;
  }

  async function listIds(filter: ExecutionFilter): Promise<string[]> {
    return (await allPages({ ...WINDOW, limit: 500, ...filter })).flat().map(idOf);
  }

  const expectedIds = (keep: (r: ExecutionRecord) => boolean) =>
    newestFirst(fixture.filter(keep)).map(idOf);

  it('pages through 60 records 25 at a time, each exactly once, newest first', async () => {
    const pages = await allPages({ ...WINDOW, limit: 25 });
    expect(pages.map((page) => page.length)).toEqual([25, 25, 10]);
    expect(pages.flat().map(idOf)).toEqual(expectedIds(() => true));
    const first = pages[0]![0]!;
    expect(first).toEqual({ ...fixture[0], output: undefined });
    expect(first).not.toHaveProperty('output');
    expect(first).toMatchObject({ execution_id: 'job-0', flow_key: 'flow-x', schedule: 'nightly' });
    const numeric = pages.flat().find((r) => r.queue === 'alpha' && r.execution_id === 1001);
    expect(numeric).toBeDefined();
    expect(numeric).not.toHaveProperty('flow_key');
    expect(numeric).not.toHaveProperty('schedule');
    expect(numeric?.finished_at).toBe(new Date(NEWEST - 60_000).toISOString());
  });

  it('filters by state, origin, status code and method', async () => {
    expect(await listIds({ state: 'failed' })).toEqual(expectedIds((r) => r.state === 'failed'));
    expect(await listIds({ origin: ORIGIN_A })).toEqual(expectedIds((r) => r.origin === ORIGIN_A));
    expect(await listIds({ origin: ORIGIN_B, state: 'completed' })).toEqual([]);
    expect(await listIds({ status_code: '503' })).toEqual(
      expectedIds((r) => r.status_code === 503),
    );
    expect(await listIds({ method: 'post' })).toEqual(expectedIds((r) => r.method === 'POST'));
    expect(await listIds({ queue: 'beta', state: 'failed' })).toEqual(
      expectedIds((r) => r.queue === 'beta' && r.state === 'failed'),
    );
  });

  it('filters by since (inclusive) and until (exclusive)', async () => {
    const since = NEWEST - 20 * 60_000;
    const until = NEWEST - 10 * 60_000;
    const ids = await listIds({ since: new Date(since), until: new Date(until) });
    const inRange = (r: ExecutionRecord) =>
      Date.parse(r.finished_at) >= since && Date.parse(r.finished_at) < until;
    expect(ids).toEqual(expectedIds(inRange));
    expect(ids).toHaveLength(10);
  });

  it('searches the URL or the message with q, case-insensitive, % and _ taken literally', async () => {
    expect(await listIds({ q: 'SERVER ERROR on item 4' })).toEqual(
      expectedIds((r) => r.message.startsWith('Server error on item 4')),
    );
    expect(await listIds({ q: 'items/5' })).toEqual(expectedIds((r) => r.url!.includes('items/5')));
    expect(await listIds({ q: '100%_' })).toEqual(['alpha/1017/1']);
    expect(await listIds({ q: '1_0' })).toEqual([]);
    expect(await listIds({ q: '%' })).toEqual(['alpha/1017/1']);
  });

  it('filters by flow key and by schedule', async () => {
    expect(await listIds({ flow_key: 'flow-x' })).toEqual(
      expectedIds((r) => r.flow_key === 'flow-x'),
    );
    expect(await listIds({ schedule: 'nightly' })).toEqual(
      expectedIds((r) => r.schedule === 'nightly'),
    );
    expect(await listIds({ flow_key: 'flow-y' })).toEqual([]);
  });

  it('keeps the next page stable when newer records arrive between pages', async () => {
    const base = EARLIER;
    const older = Array.from({ length: 10 }, (_, i) =>
      makeRecord(base - i * 1000, { queue: 'stable', execution_id: i + 1 }),
    );
    await store.write(older);
    const first = await store.list(parseExecutionFilter({ queue: 'stable', limit: 4 }));
    expect(first.executions.map((r) => r.execution_id)).toEqual([1, 2, 3, 4]);
    const newer = Array.from({ length: 5 }, (_, i) =>
      makeRecord(base + (i + 1) * 1000, { queue: 'stable', execution_id: 100 + i }),
    );
    await store.write(newer);
    const second = await store.list(
      parseExecutionFilter({ queue: 'stable', limit: 4, cursor: first.next_cursor! }),
    );
    expect(second.executions.map((r) => r.execution_id)).toEqual([5, 6, 7, 8]);
    const last = await store.list(
      parseExecutionFilter({ queue: 'stable', limit: 4, cursor: second.next_cursor! }),
    );
    expect(last.executions.map((r) => r.execution_id)).toEqual([9, 10]);
    expect(last.next_cursor).toBeNull();
  });

  it('writes the same batch twice, and a batch with a duplicate, as one row each', async () => {
    const batch = [1, 2, 3].map((n) =>
      makeRecord(EARLIER + n * 1000, { queue: 'dedupe', execution_id: n }),
    );
    expect(await store.write(batch)).toBe(3);
    expect(await store.write(batch)).toBe(3);
    const again = makeRecord(EARLIER + 4000, {
      queue: 'dedupe',
      execution_id: 4,
      message: 'first',
    });
    expect(await store.write([again, { ...again, message: 'second' }])).toBe(1);
    const page = await store.list(parseExecutionFilter({ queue: 'dedupe' }));
    expect(page.executions.map((r) => r.execution_id)).toEqual([4, 3, 2, 1]);
    expect(page.executions[0]?.message).toBe('second');
  });

  it('replaces a run that ended again at another time (its worker died), across days', async () => {
    const midnight = Math.floor(EARLIER / DAY_MS) * DAY_MS;
    const before = makeRecord(midnight - 1000, { queue: 'rerun', execution_id: 'r1', attempts: 1 });
    const after = makeRecord(midnight + 5000, { queue: 'rerun', execution_id: 'r1', attempts: 2 });
    await store.write([before]);
    await store.write([after]);
    const runs = await store.runs('rerun', 'r1');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ finished_at: after.finished_at, attempts: 2 });
  });

  it('returns every run of an execution with its output, run 1 first', async () => {
    const run2 = makeRecord(EARLIER + 60_000, { queue: 'runs', execution_id: 42, run: 2 });
    const run1 = makeRecord(EARLIER, {
      queue: 'runs',
      execution_id: 42,
      run: 1,
      state: 'failed',
      status_code: 500,
      trace_id: 'abc123',
      callback_execution_id: 77,
    });
    const withOutput = (r: ExecutionRecord) => ({ ...r, output: outputOf(r) });
    await store.write([withOutput(run2), withOutput(run1)]);
    const runs = await store.runs('runs', '42');
    expect(runs).toEqual([withOutput(run1), withOutput(run2)]);
    expect(await store.runs('runs', '43')).toEqual([]);
  });

  it('counts and takes duration percentiles per bucket and per origin', async () => {
    const t0 = EARLIER - 3 * 3_600_000;
    const at = (minutes: number) => t0 + minutes * 60_000;
    const S = 'https://s.example.com:443';
    const T = 'https://t.example.com:443';
    const records = [
      ...Array.from({ length: 10 }, (_, i) =>
        makeRecord(at(10 + i), {
          queue: 'stats',
          execution_id: i,
          origin: S,
          duration_ms: 100 * (i + 1),
        }),
      ),
      makeRecord(at(30), {
        queue: 'stats',
        execution_id: 10,
        origin: T,
        state: 'failed',
        duration_ms: 2000,
      }),
      makeRecord(at(31), {
        queue: 'stats',
        execution_id: 11,
        origin: T,
        state: 'failed',
        duration_ms: 3000,
      }),
      makeRecord(at(32), {
        queue: 'stats',
        execution_id: 12,
        origin: T,
        state: 'cancelled',
        duration_ms: null,
        started_at: null,
      }),
      makeRecord(at(90), { queue: 'stats', execution_id: 13, origin: S, duration_ms: 50 }),
    ];
    await store.write(records);
    const stats = await store.stats({
      queue: 'stats',
      since: t0,
      until: t0 + 7_200_000,
      bucketMs: 3_600_000,
    });
    expect(stats.buckets).toEqual([
      {
        at: new Date(t0).toISOString(),
        completed: 10,
        failed: 3,
        p50_ms: 650,
        p95_ms: 2450,
        p99_ms: 2890,
      },
      {
        at: new Date(t0 + 3_600_000).toISOString(),
        completed: 1,
        failed: 0,
        p50_ms: 50,
        p95_ms: 50,
        p99_ms: 50,
      },
    ]);
    expect(stats.origins).toEqual([
      { origin: S, completed: 11, failed: 0, p95_ms: 950 },
      { origin: T, completed: 0, failed: 3, p95_ms: 2950 },
    ]);
    const byOrigin = await store.stats({
      queue: 'stats',
      origin: T,
      since: t0,
      until: t0 + 7_200_000,
      bucketMs: 60_000,
    });
    expect(byOrigin.buckets.map((b) => b.failed)).toEqual([1, 1, 1]);
    // A range of more than MAX_RANGE_BUCKETS buckets is grouped by date_bin: the same buckets.
    const since = t0 - MAX_RANGE_BUCKETS * 3_600_000;
    const finelyCut = await store.stats({
      queue: 'stats',
      since,
      until: t0 + 7_200_000,
      bucketMs: 3_600_000,
    });
    expect(finelyCut).toEqual(stats);
  });

  it('drops whole day partitions older than the retention and keeps the recent ones', async () => {
    const now = Date.now();
    const old = makeRecord(now - 20 * DAY_MS, { queue: 'retention', execution_id: 'old' });
    const kept = makeRecord(now - 10 * DAY_MS, { queue: 'retention', execution_id: 'kept' });
    expect(await store.write([old, kept])).toBe(2);
    const dropped = await store.dropExpired(15, now);
    expect(dropped).toEqual([`executions_${old.finished_at.slice(0, 10).replaceAll('-', '')}`]);
    const left = await store.list(parseExecutionFilter({ queue: 'retention' }));
    expect(left.executions.map((r) => r.execution_id)).toEqual(['kept']);
    expect(await store.dropExpired(15, now)).toEqual([]);
    // A record out of the store's retention (30 days) is not written: its day is dropped anyway.
    const expired = makeRecord(now - 40 * DAY_MS, { queue: 'retention', execution_id: 'expired' });
    expect(await store.write([expired], now)).toBe(0);
    expect(await listIds({})).toHaveLength(60);
  });

  it('migrates once when two processes open the history at once', async () => {
    await database.migrateTwiceAtOnce();
  });
});

describe('openHistory', () => {
  it('names TASKREST_HISTORY_URL when the server cannot be reached', async () => {
    await expect(
      openHistory({ url: 'postgres://postgres:secret@127.0.0.1:1/none' }),
    ).rejects.toThrow(/TASKREST_HISTORY_URL.*127\.0\.0\.1:1/);
  });
});
