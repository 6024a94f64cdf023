import { parseExecutionFilter, type ExecutionFilter } from '../shared/history/execution-filter.js';
import type { ExecutionHistory } from '../shared/history/execution-history.js';
import type { ExecutionSummary } from '../shared/history/execution-record.js';
import { decodeCursor } from '../shared/history/page-cursor.js';

/**
 * The executions of `filter`, newest first, across pages: each page is one
 * `history.list` call of `limit` records (the page size), the next asked
 * with the page's `next_cursor` only when the caller iterates that far. The
 * filter is checked at once (InvalidOptionsError naming each bad or unknown
 * key, with the name it is closest to), before anything is read.
 */
export function listExecutions(
  history: ExecutionHistory,
  filter: ExecutionFilter = {},
): AsyncIterable<ExecutionSummary> {
  const first = parseExecutionFilter(filter);
  return {
    async *[Symbol.asyncIterator]() {
      let query = first;
      for (;;) {
        const page = await history.list(query);
        yield* page.executions;
        const cursor = page.next_cursor === null ? undefined : decodeCursor(page.next_cursor);
        if (!cursor) return;
        query = { ...query, cursor };
      }
    },
  };
}
