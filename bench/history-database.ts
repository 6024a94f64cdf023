/**
 * The history benchmarks' database, loaded once and reusable: a million
 * records take minutes to go through the recorder, the queries seconds.
 * It lives in `taskrest_bench_history` (TASKREST_BENCH_HISTORY_DB) on the
 * machine's PostgreSQL; a table `bench_load` says how many records it holds,
 * when they were made (their 7 days end there) and what the load measured.
 * With `reuse` a database holding as many records is used as it is; else
 * it is made again. The caller drops it unless told to keep it.
 */
import pg from 'pg';
import type { HistoryStore } from '../history/history-store.js';
import { openHistory } from '../history/open-history.js';
import { PostgresClient } from '../history/postgres-client.js';
import {
  freePort,
  startRedisServer,
  type RedisServerProcess,
} from '../shared/redis-server-process.js';
import { Redis } from 'ioredis';
import { BENCH_POSTGRES, onServer } from './bench-postgres.js';
import { loadHistory, type LoadResult } from './history-load.js';

/** The database's name. */
export const BENCH_DATABASE = process.env.TASKREST_BENCH_HISTORY_DB ?? 'taskrest_bench_history';

/** The history open on the bench's database, with a Redis of its own for the streams. */
export interface BenchHistory {
  readonly url: string;
  readonly store: HistoryStore;
  readonly redisServer: RedisServerProcess;
  /** A connection to that Redis. */
  readonly redis: Redis;
  /** When the records were made: their 7 days end there. */
  readonly loadedAt: number;
  /** What the load measured (this run's, or the reused database's). */
  readonly load: LoadResult;
  readonly reused: boolean;
  /** Closes everything; drops the database unless `keep`. */
  close(keep: boolean): Promise<void>;
}

interface LoadRow {
  loaded_at: Date;
  records: number;
  load: LoadResult;
}

/** The database's `bench_load` row, if it exists and has one. */
async function loadRow(url: string): Promise<LoadRow | undefined> {
  const server = new pg.Client({ connectionString: `${BENCH_POSTGRES}/postgres` });
  await server.connect();
  try {
    const found = await server.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      BENCH_DATABASE,
    ]);
    if (found.rowCount === 0) return undefined;
  } finally {
    await server.end();
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const rows = await client.query<LoadRow>(
      `SELECT loaded_at, records, load FROM bench_load LIMIT 1`,
    );
    return rows.rows[0];
  } catch {
    return undefined;
  } finally {
    await client.end();
  }
}

/**
 * Opens the bench's history holding `count` records: reused when `reuse`
 * and it holds that many, else made and loaded through the recorder.
 */
export async function openBenchHistory(
  count: number,
  reuse: boolean,
  log: (line: string) => void,
): Promise<BenchHistory> {
  const url = `${BENCH_POSTGRES}/${BENCH_DATABASE}`;
  const existing = reuse ? await loadRow(url) : undefined;
  const reused = existing?.records === count;
  if (!reused) {
    await onServer(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`);
    await onServer(`CREATE DATABASE ${BENCH_DATABASE}`);
  }
  const redisServer = await startRedisServer({ port: await freePort() });
  const redis = new Redis(redisServer.url);
  const store = await openHistory({ url });
  const client = new PostgresClient(url, { max: 1 });
  try {
    let loadedAt: number;
    let load: LoadResult;
    if (reused) {
      loadedAt = existing.loaded_at.getTime();
      load = existing.load;
      log(`reusing ${BENCH_DATABASE}: ${count.toLocaleString('en-US')} records`);
    } else {
      loadedAt = Date.now();
      log(`loading ${count.toLocaleString('en-US')} records into ${BENCH_DATABASE}`);
      load = await loadHistory({ redis, store, client, count, now: loadedAt, log });
      await client.query(
        'CREATE TABLE bench_load (loaded_at timestamptz, records int, load jsonb)',
      );
      await client.query('INSERT INTO bench_load VALUES ($1, $2, $3)', [
        new Date(loadedAt),
        count,
        JSON.stringify(load),
      ]);
    }
    return {
      url,
      store,
      redisServer,
      redis,
      loadedAt,
      load,
      reused,
      async close(keep: boolean) {
        redis.disconnect();
        await redisServer.stop();
        await store.close();
        if (!keep) await onServer(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`);
      },
    };
  } catch (error) {
    redis.disconnect();
    await redisServer.stop();
    await store.close();
    throw error;
  } finally {
    await client.close();
  }
}
