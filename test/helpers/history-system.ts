import type { Config } from '../../shared/config.js';
import { startTaskrest, type TaskrestProcess } from './taskrest-process.js';
import { envOf } from './test-config.js';
import { startWorkerProcess, type WorkerProcess } from './worker-process.js';

/** A `taskrest api` process (with its recorder) on a free port. */
export interface ApiProcess extends TaskrestProcess {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
}

/**
 * Starts the built `taskrest api` with the configuration of `config` and
 * TASKREST_HISTORY_URL `historyUrl` on a free port; resolves once it listens
 * (its recorder started before).
 */
export async function startApiProcess(config: Config, historyUrl: string): Promise<ApiProcess> {
  const api = startTaskrest(
    ['api'],
    envOf(config, {
      TASKREST_HISTORY_URL: historyUrl,
      TASKREST_LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: '0',
    }),
  );
  await api.waitFor(/taskrest api: listening on http:\/\/127\.0\.0\.1:\d+/, 30_000);
  const port = /taskrest api: listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(api.output())![1];
  return Object.assign(api, { url: `http://127.0.0.1:${port}` });
}

/** `count` worker processes recording history (TASKREST_HISTORY_URL set: they never connect to it). */
export function startRecordingWorkers(
  config: Config,
  historyUrl: string,
  count: number,
): Promise<WorkerProcess[]> {
  return Promise.all(
    Array.from({ length: count }, () =>
      startWorkerProcess(config, { TASKREST_HISTORY_URL: historyUrl }),
    ),
  );
}
