/**
 * What the history store needs of a database, and nothing more: the same
 * SQL runs on a PostgreSQL server (`postgres-client.ts`, a `pg` Pool) and on
 * the embedded PGlite of `taskrest dev` (`embedded-client.ts`), so the
 * writer, the queries and the migrations are written once against this.
 *
 * Both clients return `timestamptz` as a Date, `int8` (counts) as a number,
 * and `jsonb` parsed.
 */
export interface SqlClient {
  /** Runs one statement with `$1…` parameters and returns its rows. */
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  /**
   * Runs `fn` in one transaction on one connection: committed when it
   * resolves, rolled back when it throws (the error is rethrown).
   */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  /** Closes the connections (or the embedded database); the client is unusable after. */
  close(): Promise<void>;
}
