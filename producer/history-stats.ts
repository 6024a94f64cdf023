import type { StatsQuery } from '../shared/history/execution-filter.js';
import type { ExecutionStats, OriginStats } from '../shared/history/execution-history.js';
import type { ExecutionRecord } from '../shared/history/execution-record.js';

/**
 * The stats of `GET /api/executions/stats` computed in memory over the
 * records given, as the history's SQL computes them: buckets of
 * `bucketMs` from `since`, only those with executions, oldest first;
 * origins busiest first; `failed` counts cancelled ones too; percentiles
 * interpolated (PostgreSQL's percentile_cont) and rounded to whole ms.
 */
export function statsOf(records: readonly ExecutionRecord[], query: StatsQuery): ExecutionStats {
  const buckets = new Map<number, ExecutionRecord[]>();
  const origins = new Map<string, ExecutionRecord[]>();
  for (const record of records) {
    const at = Date.parse(record.finished_at);
    const start = query.since + Math.floor((at - query.since) / query.bucketMs) * query.bucketMs;
    push(buckets, start, record);
    if (record.origin !== null) push(origins, record.origin, record);
  }
  return {
    buckets: [...buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([start, group]) => ({
        at: new Date(start).toISOString(),
        ...counts(group),
        p50_ms: percentile(durations(group), 0.5),
        p95_ms: percentile(durations(group), 0.95),
        p99_ms: percentile(durations(group), 0.99),
      })),
    origins: [...origins.entries()]
      .map(([origin, group]): OriginStats => ({
        origin,
        ...counts(group),
        p95_ms: percentile(durations(group), 0.95),
      }))
      .sort(
        (a, b) =>
          b.completed + b.failed - (a.completed + a.failed) || (a.origin < b.origin ? -1 : 1),
      ),
  };
}

function push<K>(map: Map<K, ExecutionRecord[]>, key: K, record: ExecutionRecord): void {
  const group = map.get(key);
  if (group) group.push(record);
  else map.set(key, [record]);
}

function counts(group: readonly ExecutionRecord[]): { completed: number; failed: number } {
  const completed = group.filter((r) => r.state === 'completed').length;
  return { completed, failed: group.length - completed };
}

function durations(group: readonly ExecutionRecord[]): number[] {
  return group
    .map((r) => r.duration_ms)
    .filter((d): d is number => d !== null)
    .sort((a, b) => a - b);
}

/** percentile_cont over sorted values: linear between the two nearest ranks; null without values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const at = p * (sorted.length - 1);
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return Math.round(sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low));
}
