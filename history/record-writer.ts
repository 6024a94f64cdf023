import { recordKey, type ExecutionRecord } from '../shared/history/execution-record.js';
import { retentionStart, type Partitions } from './partitions.js';
import type { SqlClient } from './sql-client.js';

/** The batch's columns as `jsonb_to_recordset` reads them (the table's columns, in its order). */
const BATCH_COLUMNS = `r(
  queue text, execution_id text, run int, state text, method text, url text, origin text,
  status_code int, message text, attempts int, enqueued_at timestamptz, started_at timestamptz,
  finished_at timestamptz, duration_ms int, flow_key text, schedule text,
  callback_execution_id text, trace_id text, output jsonb)`;

const COLUMNS = [
  'queue',
  'execution_id',
  'run',
  'state',
  'method',
  'url',
  'origin',
  'status_code',
  'message',
  'attempts',
  'enqueued_at',
  'started_at',
  'finished_at',
  'duration_ms',
  'flow_key',
  'schedule',
  'callback_execution_id',
  'trace_id',
  'output',
] as const;

/**
 * The whole batch in one statement, one parameter and one round trip: the
 * batch's JSON (a few KiB a record, mostly the output) is sent and parsed
 * once, where a DELETE and an INSERT of their own each took it (parsing a
 * megabyte of jsonb costs about as much as the DELETE's probes).
 *
 * A re-run of the same run (its worker died and BullMQ ran the job again)
 * ends at another time, so it would be another row: `earlier` deletes the
 * earlier ones. An earlier ending came after the job was enqueued (an
 * hour's margin for clocks), a bound that lets the planner skip older day
 * partitions at run time instead of probing every day of the retention for
 * each record. It touches only rows of another `finished_at` than the
 * batch's, the upsert only rows of the same one, so the two parts of the
 * statement (which see the same snapshot) never meet on one row.
 * A record written again replaces its row.
 */
const WRITE_BATCH = `
  WITH r AS MATERIALIZED (SELECT * FROM jsonb_to_recordset($1::jsonb) AS ${BATCH_COLUMNS}),
  earlier AS (
    DELETE FROM executions e USING r
    WHERE e.queue = r.queue AND e.execution_id = r.execution_id AND e.run = r.run
      AND e.finished_at <> r.finished_at AND e.finished_at >= r.enqueued_at - interval '1 hour')
  INSERT INTO executions (${COLUMNS.join(', ')})
  SELECT ${COLUMNS.join(', ')} FROM r
  ON CONFLICT (queue, execution_id, run, finished_at) DO UPDATE SET
  ${COLUMNS.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;

/**
 * Writes records as the recorder hands them over, in batches. Writing is
 * idempotent, because a stream delivers at least once (a recorder that
 * died before acknowledging is read again): a record's identity is
 * (queue, execution_id, run), and writing it again leaves one row.
 */
export class RecordWriter {
  readonly #client: SqlClient;
  readonly #partitions: Partitions;
  readonly #retentionDays: number;

  constructor(client: SqlClient, partitions: Partitions, retentionDays: number) {
    this.#client = client;
    this.#partitions = partitions;
    this.#retentionDays = retentionDays;
  }

  /**
   * Writes `records` in one statement (one transaction) and returns how many it wrote. A
   * record older than the retention is skipped (its day is dropped, or
   * about to be); of two with the same identity, the later one in the
   * batch wins.
   */
  async write(records: readonly ExecutionRecord[], now = Date.now()): Promise<number> {
    const keepFrom = retentionStart(this.#retentionDays, now);
    const latest = new Map<string, ExecutionRecord>();
    for (const record of records) {
      if (Date.parse(record.finished_at) >= keepFrom) latest.set(recordKey(record), record);
    }
    if (latest.size === 0) return 0;
    const batch = [...latest.values()];
    await this.#partitions.ensure(batch.map((record) => Date.parse(record.finished_at)));
    // The records as they are: `jsonb_to_recordset` reads a numeric id into its text column as
    // its digits and an absent optional as null, so no row object is built per record.
    const rows = JSON.stringify(batch);
    await this.#client.query(WRITE_BATCH, [rows]);
    return batch.length;
  }
}
