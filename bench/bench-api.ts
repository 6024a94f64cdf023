/**
 * The API as `taskrest api` runs it, in this process, over the bench's
 * history: on loopback without API_TOKENS (open, as a developer runs it),
 * its Redis the bench's own.
 */
import { createApiServer } from '../api/create-api-server.js';
import { loadConfig } from '../shared/config.js';
import type { HistoryStore } from '../history/history-store.js';
import { createLogger } from '../shared/logger.js';
import { BENCH_QUEUES } from './history-records.js';
import { BENCH_PREFIX } from './history-load.js';

/** The API listening on 127.0.0.1, its base URL, and how to stop it. */
export interface BenchApi {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the API on a free loopback port, reading `store` for `/api/executions`. */
export async function startBenchApi(redisUrl: string, store: HistoryStore): Promise<BenchApi> {
  const config = loadConfig({
    REDIS_URL: redisUrl,
    TASKREST_PREFIX: BENCH_PREFIX,
    TASKREST_QUEUE: BENCH_QUEUES[0]!,
    HOST: '127.0.0.1',
    TASKREST_LOG_LEVEL: 'error',
  });
  const api = await createApiServer(config, createLogger(config), { history: store });
  const url = await api.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => api.close() };
}
