import type { SqlMigration } from './sql-migration.js';

/**
 * The executions table, partitioned by UTC day of `finished_at` (partitions
 * are made by `partitions.ts` as records arrive, and retention drops whole
 * days). Identifiers are COLLATE "C" so that the keyset order of a page is
 * byte order, the order JavaScript compares strings in (page-cursor.ts).
 * Every index a filter uses ends in `finished_at DESC`, so that a page is an
 * ordered index scan that stops after `limit + 1` rows.
 */
export const executionsTable: SqlMigration = {
  name: '0001-executions',
  statements: [
    'CREATE EXTENSION IF NOT EXISTS pg_trgm',
    `CREATE TABLE executions (
      queue text COLLATE "C" NOT NULL,
      execution_id text COLLATE "C" NOT NULL,
      run int NOT NULL,
      state text NOT NULL,
      method text,
      url text,
      origin text,
      status_code int,
      message text NOT NULL,
      attempts int NOT NULL,
      enqueued_at timestamptz(3) NOT NULL,
      started_at timestamptz(3),
      finished_at timestamptz(3) NOT NULL,
      duration_ms int,
      flow_key text,
      schedule text,
      callback_execution_id text,
      trace_id text,
      output jsonb,
      PRIMARY KEY (queue, execution_id, run, finished_at)
    ) PARTITION BY RANGE (finished_at)`,
    // The unfiltered list: every key column descending, as the list orders.
    `CREATE INDEX executions_newest
      ON executions (finished_at DESC, queue DESC, execution_id DESC, run DESC)`,
    'CREATE INDEX executions_queue ON executions (queue, finished_at DESC)',
    'CREATE INDEX executions_state ON executions (state, finished_at DESC)',
    'CREATE INDEX executions_origin ON executions (origin, finished_at DESC)',
    'CREATE INDEX executions_status_code ON executions (status_code, finished_at DESC)',
    `CREATE INDEX executions_flow_key ON executions (flow_key, finished_at DESC)
      WHERE flow_key IS NOT NULL`,
    `CREATE INDEX executions_schedule ON executions (schedule, finished_at DESC)
      WHERE schedule IS NOT NULL`,
    // The runs of one execution (the primary key has finished_at last, so this is it too).
    'CREATE INDEX executions_runs ON executions (queue, execution_id, run)',
    // `q`: ILIKE '%text%' on the URL or the message.
    'CREATE INDEX executions_url_trgm ON executions USING gin (url gin_trgm_ops)',
    'CREATE INDEX executions_message_trgm ON executions USING gin (message gin_trgm_ops)',
  ],
};
