import type { ExecutionQuery } from '../shared/history/execution-filter.js';
import type { ExecutionPage } from '../shared/history/execution-history.js';
import { encodeCursor } from '../shared/history/page-cursor.js';
import { recordOf, SUMMARY_COLUMNS, type ExecutionRow } from './record-rows.js';
import type { SqlClient } from './sql-client.js';
import { SqlConditions } from './sql-conditions.js';

/** The list's order: newest first, then the rest of the key, a total order for keyset pages. */
const NEWEST_FIRST = 'finished_at DESC, queue DESC, execution_id DESC, run DESC';

/** `text` as an ILIKE pattern that matches it anywhere, its own `%`, `_` and `\` taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The conditions of a list query (the cursor included), for `list`. */
function listConditions(query: ExecutionQuery): SqlConditions {
  const where = new SqlConditions();
  where.equals('queue', query.queue);
  where.equals('state', query.state);
  where.equals('origin', query.origin);
  where.equals('status_code', query.status_code);
  where.equals('method', query.method);
  where.equals('flow_key', query.flow_key);
  where.equals('schedule', query.schedule);
  if (query.since !== undefined) where.add(`finished_at >= ${where.time(query.since)}`);
  if (query.until !== undefined) where.add(`finished_at < ${where.time(query.until)}`);
  if (query.q !== undefined) {
    const pattern = where.param(containsPattern(query.q));
    where.add(`(url ILIKE ${pattern} OR message ILIKE ${pattern})`);
  }
  const cursor = query.cursor;
  if (cursor) {
    const at = where.time(cursor.finishedAt);
    // The plain bound lets the planner prune newer partitions; the row comparison is the keyset.
    where.add(`finished_at <= ${at}`);
    const key = [at, where.param(cursor.queue), where.param(cursor.executionId)];
    where.add(
      `(finished_at, queue, execution_id, run) < (${key.join(', ')}, ${where.param(cursor.run)}::int)`,
    );
  }
  return where;
}

/**
 * One page of the list: the filter's records newest first, strictly after
 * the cursor. It reads `limit + 1` rows, so that whether a next page
 * exists is known without a count; `next_cursor` is the key of the last
 * record shown.
 */
export async function listExecutions(
  client: SqlClient,
  query: ExecutionQuery,
): Promise<ExecutionPage> {
  const where = listConditions(query);
  const limit = where.param(query.limit + 1);
  const rows = await client.query<ExecutionRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM executions ${where.toSql()}
      ORDER BY ${NEWEST_FIRST} LIMIT ${limit}`,
    where.params,
  );
  const shown = rows.slice(0, query.limit);
  const last = shown.at(-1);
  const next =
    rows.length > query.limit && last
      ? encodeCursor({
          finishedAt: last.finished_at.getTime(),
          queue: last.queue,
          executionId: last.execution_id,
          run: last.run,
        })
      : null;
  return { executions: shown.map(recordOf), next_cursor: next, source: 'history' };
}
