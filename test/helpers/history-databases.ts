import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import { EmbeddedClient } from '../../history/embedded-client.js';
import { migrate } from '../../history/migrate.js';
import { openHistory, type HistoryLocation } from '../../history/open-history.js';
import { testPostgresDatabaseUrl } from './test-config.js';

/** A database of a test file's own: where to open it, and how to remove it. */
export interface TestHistoryDatabase {
  readonly location: HistoryLocation;
  /**
   * Runs the migrations twice at once, as processes starting together do:
   * two opens of the PostgreSQL database; for PGlite, whose folder belongs
   * to one open at a time, two migrations of one in-memory database.
   */
  migrateTwiceAtOnce(): Promise<void>;
  /** Drops the database (or deletes the folder). */
  destroy(): Promise<void>;
}

/**
 * A fresh database `taskrest_store_<random>` on the tests' PostgreSQL
 * (TEST_POSTGRES_URL), made and dropped through its `postgres` database.
 */
export async function freshPostgresDatabase(): Promise<TestHistoryDatabase> {
  const name = `taskrest_store_${randomBytes(6).toString('hex')}`;
  await onServer(`CREATE DATABASE ${name}`);
  const location = { url: testPostgresDatabaseUrl(name) };
  return {
    location,
    async migrateTwiceAtOnce() {
      const [a, b] = await Promise.all([openHistory(location), openHistory(location)]);
      await Promise.all([a.close(), b.close()]);
    },
    destroy: () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** A fresh PGlite database in a temporary folder. */
export async function freshEmbeddedDatabase(): Promise<TestHistoryDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'taskrest-history-'));
  return {
    location: { dir },
    async migrateTwiceAtOnce() {
      const client = await EmbeddedClient.open(undefined);
      try {
        const runs = await Promise.all([migrate(client), migrate(client)]);
        expect(runs.flat()).toEqual([
          '0001-executions',
          '0002-origin-stats-index',
          '0003-output-lz4',
        ]);
        expect(await migrate(client)).toEqual([]);
      } finally {
        await client.close();
      }
    },
    destroy: () => rm(dir, { recursive: true, force: true }),
  };
}

async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgresDatabaseUrl('postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
