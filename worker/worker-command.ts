import type { Command } from '../producer/cli/command.js';
import { createLogger } from '../shared/logger.js';
import { startTaskWorker } from './task-worker.js';

/**
 * `taskrest worker`: one worker process. Scale by starting more, anywhere.
 * SIGTERM/SIGINT: stop taking jobs, let running ones finish within
 * TASKREST_SHUTDOWN_GRACE_SECONDS, hand back the rest, exit 0.
 */
export const workerCommand: Command = async (_args, { config, signal }) => {
  const logger = createLogger(config);
  if (!config.secretKey) {
    logger.warn(
      'TASKREST_SECRET_KEY is not set: sensitive task inputs are stored in clear in Redis',
    );
  }
  const worker = startTaskWorker(config, logger);
  logger.info('worker started', {
    queue: config.queueName,
    prefix: config.prefix,
    concurrency: config.workerConcurrency,
  });
  await new Promise<void>((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  logger.info('worker stopping', { graceSeconds: config.shutdownGraceMs / 1000 });
  await worker.close();
  logger.info('worker stopped');
  return 0;
};
