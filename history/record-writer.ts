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
 * A re-run of the same run (its worker died and BullMQ ran the job again)
 * ends at another time, so it would be another row: the earlier ones go.
 */
const DELETE_EARLIER_ENDINGS = `
  DELETE FROM executions e USING jsonb_to_recordset($1::jsonb) AS ${BATCH_COLUMNS}
  WHERE e.queue = r.queue AND e.execution_id = r.execution_id AND e.run = r.run
    AND e.finished_at <> r.finished_at`;

/** The whole batch in one statement and one parameter; a record written again replaces its row. */
const UPSERT = `
  INSERT INTO executions (${COLUMNS.join(', ')})
  SELECT ${COLUMNS.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS ${BATCH_COLUMNS}
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
   * Writes `records` in one transaction and returns how many it wrote. A
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
    const rows = JSON.stringify(batch.map(rowOf));
    await this.#client.transaction(async (tx) => {
      await tx.query(DELETE_EARLIER_ENDINGS, [rows]);
      await tx.query(UPSERT, [rows]);
    });
    return batch.length;
  }
}

/** A record as a row of the batch: identifiers as text, absent optionals as null. */
function rowOf(record: ExecutionRecord): Record<(typeof COLUMNS)[number], unknown> {
  return {
    ...record,
    execution_id: String(record.execution_id),
    flow_key: record.flow_key ?? null,
    schedule: record.schedule ?? null,
    callback_execution_id:
      record.callback_execution_id === undefined ? null : String(record.callback_execution_id),
    trace_id: record.trace_id ?? null,
    output: record.output ?? null,
  };
}
