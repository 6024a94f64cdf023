import type { StatsQuery } from '../shared/history/execution-filter.js';
import type {
  ExecutionStats,
  OriginStats,
  StatsBucket,
} from '../shared/history/execution-history.js';
import type { SqlClient } from './sql-client.js';
import { SqlConditions } from './sql-conditions.js';

/** Completed, and failed with cancelled (what the stats call failed), of a group. */
const COUNTS = `count(*) FILTER (WHERE state = 'completed') AS completed,
  count(*) FILTER (WHERE state <> 'completed') AS failed`;

/** A duration percentile of a group, rounded to whole ms (null when no duration is known). */
const percentile = (p: number) =>
  `round(percentile_cont(${p}) WITHIN GROUP (ORDER BY duration_ms))`;

/** The range and the optional queue and origin of a stats query. */
function statsConditions(query: StatsQuery): { where: SqlConditions; since: string } {
  const where = new SqlConditions();
  const since = where.time(query.since);
  where.add(`finished_at >= ${since}`);
  where.add(`finished_at < ${where.time(query.until)}`);
  where.equals('queue', query.queue);
  where.equals('origin', query.origin);
  return { where, since };
}

/**
 * Counts and duration percentiles of the executions that ended in the
 * range: per bucket of `bucketMs` from `since` (`date_bin`), and per origin
 * over the whole range, busiest first. A bucket without executions is
 * omitted, not zero: a chart draws a gap where nothing ended, and a range
 * of many small buckets does not answer with thousands of empty ones.
 * Executions without an origin (a task refused before it had a URL) count
 * in the buckets but in no origin.
 */
export async function executionStats(
  client: SqlClient,
  query: StatsQuery,
): Promise<ExecutionStats> {
  const [buckets, origins] = await Promise.all([
    bucketStats(client, query),
    originStats(client, query),
  ]);
  return { buckets, origins };
}

async function bucketStats(client: SqlClient, query: StatsQuery): Promise<StatsBucket[]> {
  const { where, since } = statsConditions(query);
  const width = where.param(`${query.bucketMs} milliseconds`);
  const rows = await client.query<Omit<StatsBucket, 'at'> & { at: Date }>(
    `SELECT date_bin(${width}::interval, finished_at, ${since}) AS at, ${COUNTS},
        ${percentile(0.5)} AS p50_ms, ${percentile(0.95)} AS p95_ms, ${percentile(0.99)} AS p99_ms
      FROM executions ${where.toSql()} GROUP BY 1 ORDER BY 1`,
    where.params,
  );
  return rows.map((row) => ({ ...row, at: row.at.toISOString() }));
}

async function originStats(client: SqlClient, query: StatsQuery): Promise<OriginStats[]> {
  const { where } = statsConditions(query);
  where.add('origin IS NOT NULL');
  return client.query<OriginStats>(
    `SELECT origin, ${COUNTS}, ${percentile(0.95)} AS p95_ms
      FROM executions ${where.toSql()} GROUP BY origin ORDER BY count(*) DESC, origin`,
    where.params,
  );
}
