import pg from 'pg';
import { findPostgresBin, lineFor, PREREQUISITES } from '../prerequisites.mjs';
import { ownPostgres } from './own-postgres.js';
import type { RunService } from './run-redis.js';
import { stopOnExit } from './run-exit.js';

/** Why the server at `url` does not let the tests in, or undefined when it does. */
async function postgresProblem(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Makes sure the history's tests have a PostgreSQL. When the server at
 * `serverUrl` (TEST_POSTGRES_URL or the machine's) does not let them in,
 * starts a throwaway cluster (initdb, pg_ctl) on a free loopback port for
 * the run and sets TEST_POSTGRES_URL to it; it is deleted at the end.
 */
export async function postgresForRun(
  serverUrl: string,
  databaseUrl: string,
  say: (line: string) => void,
): Promise<RunService | undefined> {
  const problem = await postgresProblem(databaseUrl);
  if (problem === undefined) return undefined;
  if (!findPostgresBin()) {
    throw new Error(
      `No PostgreSQL lets the tests in at ${serverUrl} (TEST_POSTGRES_URL: ${problem}), and ` +
        lineFor(PREREQUISITES.filter((p) => p.apt === 'postgresql-15')),
    );
  }
  const own = await ownPostgres();
  const forget = stopOnExit(() => own.destroyNow());
  const url = `postgres://postgres@127.0.0.1:${own.port}`;
  process.env.TEST_POSTGRES_URL = url;
  say(
    `No PostgreSQL let the tests in at ${serverUrl} (${problem}): started a throwaway ` +
      `cluster at ${url} (data in ${own.dir}) for this run; it is deleted when the run ends.`,
  );
  return {
    async stop() {
      await own.destroy();
      forget();
    },
  };
}
