import type { ExecutionQuery, StatsQuery } from './execution-filter.js';
import type { ExecutionRecord, ExecutionSummary } from './execution-record.js';

/** Where a list came from: the history store, or (without one) what Redis still holds. */
export type ListSource = 'history' | 'redis';

/** One page of `GET /api/executions`, newest first. */
export interface ExecutionPage {
  executions: ExecutionSummary[];
  /** Give it as `cursor` for the next (older) page; null on the last page. */
  next_cursor: string | null;
  source: ListSource;
}

/** One time bucket of `GET /api/executions/stats` (durations in ms; null when it has no executions). */
export interface StatsBucket {
  /** The bucket's start, ISO 8601 UTC. */
  at: string;
  completed: number;
  failed: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
}

/** One destination over the whole range. */
export interface OriginStats {
  origin: string;
  completed: number;
  failed: number;
  p95_ms: number | null;
}

/** The answer of `GET /api/executions/stats`; `failed` counts cancelled executions too. */
export interface ExecutionStats {
  buckets: StatsBucket[];
  origins: OriginStats[];
}

/**
 * What lists, searches and counts executions that ended: the PostgreSQL
 * history (history/), or what Redis still holds (without one). The API,
 * the library's `listExecutions` and `taskrest ls` all read through it.
 */
export interface ExecutionHistory {
  readonly source: ListSource;
  /** One page of records matching `query`, newest first. */
  list(query: ExecutionQuery): Promise<ExecutionPage>;
  /** Every run of one execution, run 1 first, each with its output. */
  runs(queue: string, executionId: string): Promise<ExecutionRecord[]>;
  /** Counts and duration percentiles by time bucket and by origin. */
  stats(query: StatsQuery): Promise<ExecutionStats>;
}
