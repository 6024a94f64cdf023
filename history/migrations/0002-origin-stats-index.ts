import type { SqlMigration } from './sql-migration.js';

/**
 * The origin index becomes covering for the stats: `(origin, finished_at
 * DESC)` now includes `state` and `duration_ms`, so that the per-origin
 * stats (stats-query.ts) are an index-only scan of each origin's range,
 * already grouped, instead of a sort of the whole range by origin. The
 * origin filter of the list reads it as it read the narrower index, so that
 * one is dropped rather than kept beside it. Building it takes a write lock
 * on the table for as long as the build, once, when the history is opened.
 */
export const originStatsIndex: SqlMigration = {
  name: '0002-origin-stats-index',
  statements: [
    'DROP INDEX executions_origin',
    `CREATE INDEX executions_origin ON executions (origin, finished_at DESC)
      INCLUDE (state, duration_ms)`,
  ],
};
