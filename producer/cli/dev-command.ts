import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { startTaskWorker } from '../../worker/task-worker.js';
import type { Command } from './command.js';
import { ensureRedis } from './ensure-redis.js';

/**
 * `taskrest dev` (and `npm start`): everything in one process for trying it
 * out, on a private throwaway Redis when none answers at REDIS_URL.
 */
export const devCommand: Command = async (_args, context) => {
  const { config, signal, stderr } = context;
  const logger = createLogger(config);
  const redis = await ensureRedis(config.redisUrl, (line) => stderr.write(`${line}\n`));
  if (!redis) return 1;
  try {
    const worker = startTaskWorker(
      loadConfig({ ...process.env, REDIS_URL: config.redisUrl }),
      logger,
    );
    stderr.write(
      [
        `taskrest dev: a worker is consuming queue "${config.queueName}" on ${config.redisUrl}.`,
        'Try, in another terminal:',
        `  npx taskrest enqueue --wait --json '{"url": "https://example.com/"}'`,
        'Stop with Ctrl-C.',
        '',
      ].join('\n'),
    );
    await new Promise<void>((resolve) =>
      signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    await worker.close();
  } finally {
    await redis.stop();
  }
  return 0;
};
