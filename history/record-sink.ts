import type { ExecutionRecord } from '../shared/history/execution-record.js';

/**
 * Where a recorder writes what it read: the history store (history-store.ts)
 * is one (what its calls answer, the recorder does not need). Kept to the two calls a recorder makes, so that a test can hand a
 * recorder a sink that fails on purpose, and so that the recorder does not
 * care which store (PostgreSQL, the embedded one) is behind it.
 */
export interface RecordSink {
  /**
   * Writes the records in one transaction; resolving means they are
   * committed. Idempotent: a record written twice (a redelivery after a
   * crash between the commit and the acknowledgement) is one row.
   */
  write(records: readonly ExecutionRecord[]): Promise<unknown>;
  /** Drops what ended more than `days` days ago. */
  dropExpired(days: number): Promise<unknown>;
}
