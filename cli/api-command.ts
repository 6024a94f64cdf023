import { createLogger } from '../shared/logger.js';
import { createApiServer } from '../api/create-api-server.js';
import type { Command } from './command.js';
import { startTracing } from './start-tracing.js';

/**
 * `taskrest api`: the HTTP API, the dashboard and the metrics on HOST:PORT.
 * Refuses to start on a non-loopback HOST without API_TOKENS and
 * DASHBOARD_USER/DASHBOARD_PASSWORD. SIGTERM/SIGINT: stop listening, exit 0.
 */
export const apiCommand: Command = async (_args, { config, signal, stderr }) => {
  const logger = createLogger(config);
  const tracing = await startTracing(process.env, logger);
  const server = await createApiServer(config, logger);
  try {
    const url = await server.listen();
    stderr.write(`taskrest api: listening on ${url} (dashboard: ${url}/dashboard)\n`);
    logger.info('api started', { url, queue: config.queueName, prefix: config.prefix });
    await new Promise<void>((resolve) =>
      signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    logger.info('api stopping');
  } finally {
    await server.close();
    await tracing.shutdown();
  }
  return 0;
};
