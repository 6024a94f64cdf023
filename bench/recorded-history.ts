/**
 * The history as deployed, for a bench scene: a fresh database on the bench's
 * PostgreSQL, and a `taskrest api` process whose recorder moves each ended
 * execution's record from the queue's Redis stream into it. Its CPU is not
 * the workers': the scene reads it apart.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { BENCH_POSTGRES, onServer } from './bench-postgres.js';
import { commandOf } from './build-revision.js';
import { startProcess, type BenchProcess } from './processes.js';

/** A running recorder and its database. */
export interface RecordedHistory {
  /** TASKREST_HISTORY_URL for the workers: where the recorder writes. */
  readonly url: string;
  /** The `taskrest api` process running the recorder. */
  readonly api: BenchProcess;
  /** Waits until the database holds `count` executions (or `timeoutMs` passed); resolves with the count. */
  recorded(count: number, timeoutMs?: number): Promise<number>;
  /** Stops the API and drops the database. */
  close(): Promise<void>;
}

/** Starts a recorder (`taskrest api` from `dist`) with `env` into a fresh database. */
export async function startRecordedHistory(
  dist: string,
  env: Record<string, string>,
): Promise<RecordedHistory> {
  const name = `taskrest_bench_${randomBytes(4).toString('hex')}`;
  await onServer(`CREATE DATABASE ${name}`);
  const url = `${BENCH_POSTGRES}/${name}`;
  let api: BenchProcess;
  try {
    api = await startProcess(
      commandOf(dist),
      ['api'],
      { ...env, TASKREST_HISTORY_URL: url, HOST: '127.0.0.1', PORT: '0' },
      /taskrest api: listening on/,
    );
  } catch (error) {
    await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    throw error;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const count = async () =>
    Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM executions')).rows[0]!.n);
  return {
    url,
    api,
    async recorded(expected, timeoutMs = 60_000) {
      const deadline = performance.now() + timeoutMs;
      let seen = await count();
      while (seen < expected && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        seen = await count();
      }
      return seen;
    },
    async close() {
      await client.end();
      await api.stop();
      await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
