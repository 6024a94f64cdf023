import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** The machine's PostgreSQL (trust auth); TEST_POSTGRES_URL overrides it. */
export const TEST_POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** A database of a test file's own: its URL, and `drop()` to remove it (its connections ended). */
export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates a fresh, empty database (`taskrest_test_<random>`); the caller drops it after. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `taskrest_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await admin(`CREATE DATABASE ${name}`);
  const base = new URL(TEST_POSTGRES_URL);
  base.pathname = `/${name}`;
  return {
    url: base.toString(),
    async drop() {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function admin(sql: string): Promise<void> {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
