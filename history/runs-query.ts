import type { ExecutionRecord } from '../shared/history/execution-record.js';
import { recordOf, SUMMARY_COLUMNS, type ExecutionRow } from './record-rows.js';
import type { SqlClient } from './sql-client.js';

/**
 * Every run of one execution with its output, run 1 first: what `GET
 * /api/executions/:queue/:id` shows of an execution Redis no longer holds.
 * An id is looked up as text, as it is stored (`7` and `"7"` are one id).
 */
export async function executionRuns(
  client: SqlClient,
  queue: string,
  executionId: string,
): Promise<ExecutionRecord[]> {
  const rows = await client.query<ExecutionRow>(
    `SELECT ${SUMMARY_COLUMNS}, output FROM executions
      WHERE queue = $1 AND execution_id = $2 ORDER BY run, finished_at`,
    [queue, executionId],
  );
  return rows.map(recordOf);
}
