import type { Config } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { createApiServer, type ApiServer } from '../../api/create-api-server.js';
import { startTaskWorker, type TaskWorker } from '../../worker/runtime/task-worker.js';
import { deleteTestKeys, testConfig } from './test-config.js';
import { TestQueue } from './test-queue.js';

/** The API server and an in-process worker on a queue of their own, against the real Redis. */
export interface ApiHarness {
  config: Config;
  api: ApiServer;
  /** The API's queue, to look inside it. */
  queue: TestQueue;
  worker: TaskWorker | undefined;
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

/** Starts the API on 127.0.0.1, port 0, and (unless `worker: false`) a worker. */
export async function startApiHarness(
  env: Record<string, string> = {},
  { worker: withWorker = true } = {},
): Promise<ApiHarness> {
  const config = testConfig(env);
  const logger = createLogger(config);
  const worker = withWorker ? startTaskWorker(config, logger) : undefined;
  const api = await createApiServer(config, logger);
  const url = await api.listen({ host: '127.0.0.1', port: 0 });
  const queue = new TestQueue(config);
  return {
    config,
    api,
    queue,
    worker,
    url,
    async close() {
      await api.close();
      await queue.close();
      await worker?.close();
      await deleteTestKeys(config);
    },
  };
}
