import pg from 'pg';

/** The PostgreSQL server the history benches make their databases on (the machine's, trust auth). */
export const BENCH_POSTGRES =
  process.env.TASKREST_BENCH_HISTORY_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** Runs `sql` on the server's `postgres` database (CREATE/DROP DATABASE). */
export async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${BENCH_POSTGRES}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The server's `SELECT version()`. */
export async function serverVersion(): Promise<string> {
  const client = new pg.Client({ connectionString: `${BENCH_POSTGRES}/postgres` });
  await client.connect();
  try {
    return ((await client.query('SELECT version()')).rows[0] as { version: string }).version;
  } finally {
    await client.end();
  }
}
