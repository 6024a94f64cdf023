import { PGlite, type Transaction } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { SqlClient } from './sql-client.js';

/** int8 and numeric as numbers, as `postgres-client.ts` reads them (counts and rounded ms). */
const parsers = { 20: Number, 1700: Number };

/**
 * The history's SqlClient on PGlite: PostgreSQL compiled to WebAssembly,
 * inside this process, its files in a local folder. It is what `taskrest
 * dev` keeps its history in when there is no PostgreSQL server, and it runs
 * the very SQL the server runs (pg_trgm included), so one store serves both.
 *
 * PGlite has a single connection: statements and transactions take turns
 * here (a chain of promises), so a query never lands inside another
 * caller's open transaction.
 */
export class EmbeddedClient implements SqlClient {
  readonly #db: PGlite;
  #turn: Promise<unknown> = Promise.resolve();

  /** Wraps an open PGlite (see `open`); the client owns it from now on. */
  constructor(db: PGlite) {
    this.#db = db;
  }

  /** Opens (or creates) the database in `dir`; in memory when `dir` is undefined. */
  static async open(dir: string | undefined): Promise<EmbeddedClient> {
    const db = await PGlite.create(dir, { extensions: { pg_trgm }, parsers });
    return new EmbeddedClient(db);
  }

  query<T>(text: string, params?: unknown[]): Promise<T[]> {
    return this.#inTurn(async () => (await this.#db.query<T>(text, params)).rows);
  }

  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    return this.#inTurn(() => this.#db.transaction((tx) => fn(new TransactionClient(tx))));
  }

  close(): Promise<void> {
    return this.#inTurn(() => this.#db.close());
  }

  /** Runs `step` after every step queued before it, whether those succeeded or not. */
  #inTurn<T>(step: () => Promise<T>): Promise<T> {
    const run = this.#turn.then(step, step);
    this.#turn = run.catch(() => {});
    return run;
  }
}

/** PGlite's open transaction: a nested transaction runs in the outer one. */
class TransactionClient implements SqlClient {
  readonly #tx: Transaction;

  constructor(tx: Transaction) {
    this.#tx = tx;
  }

  async query<T>(text: string, params?: unknown[]): Promise<T[]> {
    return (await this.#tx.query<T>(text, params)).rows;
  }

  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    return fn(this);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
