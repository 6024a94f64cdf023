import { createLogger } from '../shared/logger.js';
import { redactUrl } from '../shared/redact.js';
import { createApiServer } from '../api/create-api-server.js';
import type { Command } from './command.js';
import { untilAborted } from './until-aborted.js';
import { startHistoryRecording, type HistoryRecording } from './history-recording.js';
import { startTracing } from './start-tracing.js';

/**
 * `taskrest api`: the HTTP API, the dashboard and the metrics on HOST:PORT.
 * With TASKREST_HISTORY_URL it also records the history (a recorder in this
 * process) and lists executions from it; without, it lists what Redis
 * still holds. Refuses to start on a non-loopback HOST without API_TOKENS
 * and DASHBOARD_USER/DASHBOARD_PASSWORD. SIGTERM/SIGINT: stop listening,
 * stop recording, exit 0.
 */
export const apiCommand: Command = async (_args, { config, signal, stderr }) => {
  const logger = createLogger(config);
  const tracing = await startTracing(process.env, logger);
  let history: HistoryRecording | undefined;
  try {
    if (config.historyUrl) {
      history = await startHistoryRecording(config, logger, { url: config.historyUrl });
      logger.info('history recorder started', { history: redactUrl(config.historyUrl) });
    }
    const server = await createApiServer(config, logger, { history: history?.store });
    try {
      const url = await server.listen();
      stderr.write(`taskrest api: listening on ${url} (dashboard: ${url}/dashboard)\n`);
      logger.info('api started', { url, queue: config.queueName, prefix: config.prefix });
      await untilAborted(signal);
      logger.info('api stopping');
    } finally {
      await server.close();
    }
  } finally {
    await history?.close();
    await tracing.shutdown();
  }
  return 0;
};
