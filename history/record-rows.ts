import type { ExecutionRecord, RecordState } from '../shared/history/execution-record.js';
import { executionIdOf, type TaskOutput } from '../shared/output.js';

/** A row of `executions` as the clients return it (timestamptz as Date). */
export interface ExecutionRow {
  queue: string;
  execution_id: string;
  run: number;
  state: RecordState;
  method: string | null;
  url: string | null;
  origin: string | null;
  status_code: number | null;
  message: string;
  attempts: number;
  enqueued_at: Date;
  started_at: Date | null;
  finished_at: Date;
  duration_ms: number | null;
  flow_key: string | null;
  schedule: string | null;
  callback_execution_id: string | null;
  trace_id: string | null;
  output?: TaskOutput | null;
}

/** Every column but the output: what a list page reads (outputs are the bulk of a row). */
export const SUMMARY_COLUMNS = `queue, execution_id, run, state, method, url, origin, status_code,
  message, attempts, enqueued_at, started_at, finished_at, duration_ms, flow_key, schedule,
  callback_execution_id, trace_id`;

/**
 * The record a row holds, as the API shows it: ids that are numbers as
 * numbers (`executionIdOf`, as BullMQ ids are shown everywhere), times as
 * ISO 8601 UTC with ms, optional fields absent rather than null, and the
 * output only when the row was read with it.
 */
export function recordOf(row: ExecutionRow): ExecutionRecord {
  return {
    queue: row.queue,
    execution_id: executionIdOf(row.execution_id),
    run: row.run,
    state: row.state,
    method: row.method,
    url: row.url,
    origin: row.origin,
    status_code: row.status_code,
    message: row.message,
    attempts: row.attempts,
    enqueued_at: row.enqueued_at.toISOString(),
    started_at: row.started_at === null ? null : row.started_at.toISOString(),
    finished_at: row.finished_at.toISOString(),
    duration_ms: row.duration_ms,
    ...(row.flow_key !== null ? { flow_key: row.flow_key } : {}),
    ...(row.schedule !== null ? { schedule: row.schedule } : {}),
    ...(row.callback_execution_id !== null
      ? { callback_execution_id: executionIdOf(row.callback_execution_id) }
      : {}),
    ...(row.trace_id !== null ? { trace_id: row.trace_id } : {}),
    ...(row.output ? { output: row.output } : {}),
  };
}
