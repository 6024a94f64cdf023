import type { Command } from './command.js';
import { createLogger } from '../shared/logger.js';
import { startHealthServer, type HealthServer } from '../worker/runtime/health-server.js';
import { startTaskWorker } from '../worker/runtime/task-worker.js';
import { startTracing } from './start-tracing.js';

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
  // Before the worker: its first execution may already be traced.
  const tracing = await startTracing(process.env, logger);
  const worker = startTaskWorker(config, logger, {
    recordHistory: config.historyUrl !== undefined,
  });
  let health: HealthServer | undefined;
  if (config.healthPort !== undefined) {
    health = await startHealthServer(() => worker.health.readiness(), {
      host: config.healthHost,
      port: config.healthPort,
    });
  }
  logger.info('worker started', {
    name: worker.name,
    queues: config.queues.length > 0 ? config.queues : 'every queue',
    prefix: config.prefix,
    concurrency: config.workerConcurrency,
    ...(health ? { healthPort: health.port } : {}),
  });
  // A signal during start-up has already fired: do not wait for it again.
  if (!signal.aborted) {
    await new Promise<void>((resolve) =>
      signal.addEventListener('abort', () => resolve(), { once: true }),
    );
  }
  logger.info('worker stopping', { graceSeconds: config.shutdownGraceMs / 1000 });
  await worker.close();
  await health?.close();
  // After the last execution: its spans are flushed.
  await tracing.shutdown();
  logger.info('worker stopped');
  return 0;
};
