import { createLogger } from '../shared/logger.js';
import { startTaskWorker } from '../worker/task-worker.js';
import { createApiServer } from '../api/create-api-server.js';
import type { Command } from './command.js';
import { ensureRedis } from './ensure-redis.js';

/**
 * `taskrest dev` (and `npm start`): a worker, the HTTP API and the dashboard
 * in one process for trying it out, on HOST:PORT, on a private throwaway
 * Redis when none answers at REDIS_URL.
 */
export const devCommand: Command = async (_args, context) => {
  const { config, signal, stderr } = context;
  const logger = createLogger(config);
  const redis = await ensureRedis(config.redisUrl, (line) => stderr.write(`${line}\n`));
  if (!redis) return 1;
  try {
    const worker = startTaskWorker(config, logger);
    try {
      const api = await createApiServer(config, logger);
      try {
        const url = await api.listen();
        stderr.write(
          [
            `taskrest dev: a worker is consuming queue "${config.queueName}" on ${config.redisUrl}.`,
            `HTTP API on ${url}/api, dashboard on ${url}/dashboard, metrics on ${url}/metrics.`,
            'Try, in another terminal:',
            // The product's own /health: the hint works on a machine without internet.
            `  npx taskrest enqueue --wait --json '{"url": "${url}/health"}'`,
            `  curl -s -X POST '${url}/api/tasks?wait=30' -H 'content-type: application/json' -d '{"url": "${url}/health"}'`,
            'Stop with Ctrl-C.',
            '',
          ].join('\n'),
        );
        await new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => resolve(), { once: true }),
        );
      } finally {
        await api.close();
      }
    } finally {
      await worker.close();
    }
  } finally {
    await redis.stop();
  }
  return 0;
};
