import { redactUrl } from '../shared/redact.js';
import { EmbeddedClient } from './embedded-client.js';
import { DEFAULT_HISTORY_DAYS, HistoryStore } from './history-store.js';
import { migrate } from './migrate.js';
import { PostgresClient } from './postgres-client.js';
import type { SqlClient } from './sql-client.js';

/**
 * Where the history lives: a PostgreSQL server (`TASKREST_HISTORY_URL`,
 * `postgres://…`) or the embedded database of `taskrest dev` in a local
 * folder (`dir`; undefined keeps it in memory, for tests).
 */
export type HistoryLocation = ({ url: string } | { dir: string | undefined }) & {
  /** Records finished longer ago than this are not written (default 30, TASKREST_HISTORY_DAYS). */
  retentionDays?: number;
};

/**
 * Connects to the history, brings its schema up to date (migrations run
 * once, under a lock, however many processes open it at once) and returns
 * the store. A server that cannot be reached fails here, at start, with an
 * error that names TASKREST_HISTORY_URL, rather than at the first write.
 */
export async function openHistory(location: HistoryLocation): Promise<HistoryStore> {
  const client =
    'url' in location ? await connectServer(location.url) : await connectEmbedded(location.dir);
  try {
    await migrate(client);
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
  return new HistoryStore(client, location.retentionDays ?? DEFAULT_HISTORY_DAYS);
}

async function connectServer(url: string): Promise<SqlClient> {
  const client = new PostgresClient(url);
  try {
    await client.query('SELECT 1');
  } catch (error) {
    await client.close().catch(() => {});
    throw new Error(
      `Cannot connect to the history database at TASKREST_HISTORY_URL (${redactUrl(url)}): ${messageOf(error)}`,
      { cause: error },
    );
  }
  return client;
}

async function connectEmbedded(dir: string | undefined): Promise<SqlClient> {
  try {
    return await EmbeddedClient.open(dir);
  } catch (error) {
    throw new Error(`Cannot open the embedded history in ${dir ?? 'memory'}: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
  return error instanceof Error ? error.message || error.constructor.name : String(error);
}
