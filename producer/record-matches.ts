import type { ExecutionQuery } from '../shared/history/execution-filter.js';
import type { ExecutionRecord } from '../shared/history/execution-record.js';

/** The filters of a list query that a record is checked against in memory. */
export type RecordFilter = Omit<ExecutionQuery, 'limit' | 'cursor'>;

/**
 * Whether a record matches every given filter (AND), as the history's SQL
 * does: equal fields, `finished_at` in [since, until), and `q` in the URL
 * or the message, case-insensitive. For lists made in memory (what Redis
 * still holds).
 */
export function recordMatches(record: ExecutionRecord, filter: RecordFilter): boolean {
  const finishedAt = Date.parse(record.finished_at);
  const equal: [unknown, unknown][] = [
    [filter.queue, record.queue],
    [filter.state, record.state],
    [filter.origin, record.origin],
    [filter.status_code, record.status_code],
    [filter.method, record.method],
    [filter.flow_key, record.flow_key],
    [filter.schedule, record.schedule],
  ];
  if (equal.some(([wanted, value]) => wanted !== undefined && wanted !== value)) return false;
  if (filter.since !== undefined && finishedAt < filter.since) return false;
  if (filter.until !== undefined && finishedAt >= filter.until) return false;
  if (filter.q !== undefined) {
    const q = filter.q.toLowerCase();
    const inUrl = record.url?.toLowerCase().includes(q) ?? false;
    if (!inUrl && !record.message.toLowerCase().includes(q)) return false;
  }
  return true;
}
