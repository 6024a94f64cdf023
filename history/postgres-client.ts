import pg from 'pg';
import type { SqlClient } from './sql-client.js';

/** PostgreSQL's type oids the store reads differently from `pg`'s defaults. */
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * `pg` returns int8 and numeric as text so that no precision is lost; the
 * history's int8 values are counts and its numerics rounded milliseconds,
 * far below 2^53, so they are read as numbers (what PGlite does too). The
 * parsers are the pool's own, never the process-wide `pg.types`, which a
 * host application may rely on.
 */
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    if (oid === INT8_OID || oid === NUMERIC_OID) return Number;
    return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
  },
};

/** Options of a PostgreSQL client beyond its URL. */
export interface PostgresClientOptions {
  /** The most connections the pool opens (default 10). */
  max?: number;
}

/**
 * The history's SqlClient on a PostgreSQL server (`TASKREST_HISTORY_URL`):
 * one `pg` Pool, a transaction on one checked-out connection.
 */
export class PostgresClient implements SqlClient {
  readonly #pool: pg.Pool;

  constructor(url: string, options: PostgresClientOptions = {}) {
    this.#pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types: typeParsers });
    // An idle connection that the server drops must not crash the process.
    this.#pool.on('error', () => {});
  }

  async query<T>(text: string, params?: unknown[]): Promise<T[]> {
    const result = await this.#pool.query(text, params);
    return result.rows as T[];
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    const connection = await this.#pool.connect();
    try {
      await connection.query('BEGIN');
      const result = await fn(new ConnectionClient(connection));
      await connection.query('COMMIT');
      return result;
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      connection.release();
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

/** One connection inside a transaction: a nested transaction runs in the outer one. */
class ConnectionClient implements SqlClient {
  readonly #connection: pg.PoolClient;

  constructor(connection: pg.PoolClient) {
    this.#connection = connection;
  }

  async query<T>(text: string, params?: unknown[]): Promise<T[]> {
    const result = await this.#connection.query(text, params);
    return result.rows as T[];
  }

  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    return fn(this);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
