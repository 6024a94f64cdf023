import type { StatsQuery } from '../shared/history/execution-filter.js';
import type {
  ExecutionStats,
  OriginStats,
  StatsBucket,
} from '../shared/history/execution-history.js';
import type { SqlClient } from './sql-client.js';
import { SqlConditions } from './sql-conditions.js';

/** The sort memory of one stats query. */
const STATS_WORK_MEM = '64MB';

/**
 * The most buckets that are each read as an index range of their own (a
 * bucket costs one index descent per day partition it spans, empty or
 * not); a range cut finer is grouped with `date_bin` instead, whose cost
 * follows the rows rather than the buckets (a 1-second bucket since 1970
 * would otherwise be 1.7 billion descents; docs/performance.md has the
 * measured costs).
 */
export const MAX_RANGE_BUCKETS = 10_000;

/** Completed, and failed with cancelled (what the stats call failed), of a group. */
const COUNTS = `count(*) FILTER (WHERE state = 'completed') AS completed,
  count(*) FILTER (WHERE state <> 'completed') AS failed`;

/**
 * p50, p95 and p99 of the durations of a group, as one float8[] (one sort
 * for the three): PostgreSQL's exact percentile_cont, null when no duration
 * is known.
 */
const PERCENTILES = 'percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY duration_ms)';

/** The three of PERCENTILES as `p`, each rounded to whole ms. */
const ROUNDED = 'round(p[1]) AS p50_ms, round(p[2]) AS p95_ms, round(p[3]) AS p99_ms';

/** The range and the optional queue and origin of a stats query. */
function statsConditions(query: StatsQuery): {
  where: SqlConditions;
  since: string;
  until: string;
} {
  const where = new SqlConditions();
  const since = where.time(query.since);
  const until = where.time(query.until);
  where.add(`finished_at >= ${since}`);
  where.add(`finished_at < ${until}`);
  where.equals('queue', query.queue);
  where.equals('origin', query.origin);
  return { where, since, until };
}

/**
 * Counts and duration percentiles of the executions that ended in the
 * range: per bucket of `bucketMs` from `since`, and per origin over the
 * whole range, busiest first. A bucket without executions is omitted, not
 * zero: a chart draws a gap where nothing ended, and a range of many small
 * buckets does not answer with thousands of empty ones. Executions without
 * an origin (a task refused before it had a URL) count in the buckets but
 * in no origin.
 *
 * Neither query sorts the range: each bucket and each origin is an
 * index-only range scan of its own, so a percentile sorts that group's
 * durations (a 24-hour range of 150,000 executions: ~2,500 per bucket)
 * rather than the whole range being sorted by group first. The two run at
 * once, on two connections of the pool (one after the other on PGlite).
 */
export async function executionStats(
  client: SqlClient,
  query: StatsQuery,
): Promise<ExecutionStats> {
  const [buckets, origins] = await Promise.all([
    withSortMemory(client, (tx) => bucketStats(tx, query)),
    withSortMemory(client, (tx) => originStats(tx, query)),
  ]);
  return { buckets, origins };
}

/**
 * Runs `fn` in a transaction whose sorts may take STATS_WORK_MEM: the
 * date_bin grouping of a finely cut range sorts the whole range, which the
 * default 4 MB would spill to disk for a busy day.
 */
function withSortMemory<T>(client: SqlClient, fn: (tx: SqlClient) => Promise<T>): Promise<T> {
  return client.transaction(async (tx) => {
    await tx.query(`SET LOCAL work_mem = '${STATS_WORK_MEM}'`);
    return fn(tx);
  });
}

/**
 * The buckets: their starts from generate_series and, per start, an
 * aggregate over the index range `[at, at + width)` of executions_newest
 * (finished_at first, state and duration_ms included: an index-only scan,
 * its day partitions pruned per bucket at run time). A bucket is the same
 * `[since + k·width, since + (k+1)·width)` as `date_bin(width, finished_at,
 * since)`, which groups a range of more than MAX_RANGE_BUCKETS buckets.
 */
async function bucketStats(client: SqlClient, query: StatsQuery): Promise<StatsBucket[]> {
  const { where, since, until } = statsConditions(query);
  const width = `${where.param(`${query.bucketMs} milliseconds`)}::interval`;
  const buckets = Math.ceil((query.until - query.since) / query.bucketMs);
  const sql =
    buckets <= MAX_RANGE_BUCKETS
      ? `SELECT b.at, s.completed, s.failed, ${ROUNDED}
          FROM generate_series(${since}, ${until}, ${width}) AS b(at)
          CROSS JOIN LATERAL (
            SELECT ${COUNTS}, ${PERCENTILES} AS p FROM executions
              WHERE ${where.joined()} AND finished_at >= b.at AND finished_at < b.at + ${width}
              HAVING count(*) > 0
          ) AS s
          WHERE b.at < ${until} ORDER BY b.at`
      : `SELECT at, completed, failed, ${ROUNDED} FROM (
            SELECT date_bin(${width}, finished_at, ${since}) AS at, ${COUNTS}, ${PERCENTILES} AS p
              FROM executions ${where.toSql()} GROUP BY 1
          ) AS s ORDER BY at`;
  const rows = await client.query<Omit<StatsBucket, 'at'> & { at: Date }>(sql, where.params);
  return rows.map((row) => ({ ...row, at: row.at.toISOString() }));
}

/**
 * The origins: those with executions in the range, found by a loose index
 * scan (a recursive CTE, each step the next origin after the last one in
 * executions_origin, whose second column bounds the range), then, per
 * origin, an aggregate over its range of that index (state and duration_ms
 * included: index-only).
 */
async function originStats(client: SqlClient, query: StatsQuery): Promise<OriginStats[]> {
  const { where } = statsConditions(query);
  const range = where.joined();
  return client.query<OriginStats>(
    `WITH RECURSIVE origins AS (
        SELECT min(origin) AS origin FROM executions WHERE ${range}
        UNION ALL
        SELECT (SELECT min(origin) FROM executions WHERE origin > o.origin AND ${range})
          FROM origins AS o WHERE o.origin IS NOT NULL
      )
      SELECT o.origin, s.completed, s.failed, s.p95_ms FROM origins AS o
      CROSS JOIN LATERAL (
        SELECT ${COUNTS},
            round(percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms)) AS p95_ms
          FROM executions WHERE origin = o.origin AND ${range}
      ) AS s
      WHERE o.origin IS NOT NULL
      ORDER BY s.completed + s.failed DESC, o.origin`,
    where.params,
  );
}
