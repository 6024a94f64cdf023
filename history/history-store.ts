import type { ExecutionQuery, StatsQuery } from '../shared/history/execution-filter.js';
import type {
  ExecutionHistory,
  ExecutionPage,
  ExecutionStats,
} from '../shared/history/execution-history.js';
import type { ExecutionRecord } from '../shared/history/execution-record.js';
import { listExecutions } from './list-query.js';
import { Partitions } from './partitions.js';
import { RecordWriter } from './record-writer.js';
import { executionRuns } from './runs-query.js';
import type { SqlClient } from './sql-client.js';
import { executionStats } from './stats-query.js';

/** How many days the history keeps when nobody says (TASKREST_HISTORY_DAYS). */
export const DEFAULT_HISTORY_DAYS = 30;

/**
 * The execution history in PostgreSQL (or the embedded PGlite): the
 * recorder writes ended executions into it, and the API, the library and
 * the CLI read it through `ExecutionHistory`. It owns its SqlClient:
 * `close()` closes it. Made by `openHistory`, which migrates first.
 */
export class HistoryStore implements ExecutionHistory {
  readonly source = 'history' as const;
  readonly #client: SqlClient;
  readonly #partitions: Partitions;
  readonly #writer: RecordWriter;
  readonly #retentionDays: number;

  constructor(client: SqlClient, retentionDays = DEFAULT_HISTORY_DAYS) {
    this.#client = client;
    this.#retentionDays = retentionDays;
    this.#partitions = new Partitions(client);
    this.#writer = new RecordWriter(client, this.#partitions, retentionDays);
  }

  /**
   * Writes a batch of records in one transaction (idempotent: a record
   * written again keeps one row); returns how many were written, records
   * older than the retention skipped.
   */
  write(records: readonly ExecutionRecord[], now?: number): Promise<number> {
    return this.#writer.write(records, now);
  }

  /**
   * Drops the day partitions wholly older than `days` (default: the
   * store's retention, which is also what `write` skips); returns their names.
   */
  dropExpired(days = this.#retentionDays, now?: number): Promise<string[]> {
    return this.#partitions.dropExpired(days, now);
  }

  list(query: ExecutionQuery): Promise<ExecutionPage> {
    return listExecutions(this.#client, query);
  }

  runs(queue: string, executionId: string): Promise<ExecutionRecord[]> {
    return executionRuns(this.#client, queue, executionId);
  }

  stats(query: StatsQuery): Promise<ExecutionStats> {
    return executionStats(this.#client, query);
  }

  close(): Promise<void> {
    return this.#client.close();
  }
}
