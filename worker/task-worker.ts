import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Config } from '../shared/config.js';
import { ErrorCode } from '../shared/errors/error-codes.js';
import { coerceError } from '../shared/errors/coerce-error.js';
import { createFilesStore } from '../shared/files/files-store.js';
import { executionIdOf, OutputStatus, type TaskOutput } from '../shared/output.js';
import { createRedis, type RedisClient } from '../shared/redis-connection.js';
import { splitJobData } from '../shared/job-envelope.js';
import { jobKey, OUTPUT_FIELD } from '../shared/task-queue.js';
import type { Logger } from '../shared/logger.js';
import { executeTask, type ExecutorDeps } from './executor.js';
import { createHttpClient, type HttpClient } from './http-client.js';

/** A running worker process's queue consumer. */
export interface TaskWorker {
  readonly worker: Worker;
  /** Stops taking jobs, lets running ones finish within the grace period, hands back the rest. */
  close(): Promise<void>;
}

/**
 * The thin BullMQ wiring: take a job, run the executor, write the output back.
 * Status success completes the job with the output as its return value;
 * status error fails it with the message as the reason, the output kept in
 * the job's hash.
 */
export function startTaskWorker(config: Config, logger: Logger): TaskWorker {
  const connection = createRedis(config, 'worker');
  const http: HttpClient = createHttpClient({ defaultMaxResponseBytes: config.maxResponseBytes });
  const deps: ExecutorDeps = {
    http: http.axios,
    files: createFilesStore(connection, config),
    maxResponseBytes: config.maxResponseBytes,
  };
  // Aborted at the end of the shutdown grace period: requests still in flight stop.
  const shutdown = new AbortController();

  const worker = new Worker<unknown, TaskOutput>(
    config.queueName,
    async (job, token) => process(job, token),
    {
      connection,
      prefix: config.prefix,
      concurrency: config.workerConcurrency,
      stalledInterval: config.stalledIntervalMs,
      maxStalledCount: config.maxStalledCount,
      lockDuration: Math.max(30_000, config.stalledIntervalMs),
      // Retention for jobs whose producer set none (written by someone else).
      removeOnComplete: { ...config.keepCompleted },
      removeOnFail: { ...config.keepFailed },
    },
  );
  worker.on('error', (error) =>
    logger.error('worker error', { error: coerceError(error).message }),
  );
  worker.on('failed', (job, error) =>
    logger.debug('execution failed', { id: job?.id, reason: error.message }),
  );

  async function process(
    job: Job<unknown, TaskOutput>,
    token: string | undefined,
  ): Promise<TaskOutput> {
    const logWrites: Promise<unknown>[] = [];
    const { task, meta } = splitJobData(job.data);
    const { output, error } = await executeTask(
      task,
      {
        executionId: executionIdOf(job.id),
        ...(meta.user ? { user: meta.user } : {}),
        signal: shutdown.signal,
        onLog: (line) => logWrites.push(job.log(line).catch(() => undefined)),
      },
      deps,
    );
    await Promise.all(logWrites);
    if (output.status === OutputStatus.SUCCESS) return output;
    if (shutdown.signal.aborted && token) {
      // Cut off by shutdown: hand the job back rather than fail it.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    await storeFailedOutput(connection, config, job, output);
    // An invalid task stays invalid: no BullMQ attempt may run it again.
    throw error?.code === ErrorCode.INVALID_TASK
      ? new UnrecoverableError(output.message)
      : new Error(output.message);
  }

  return {
    worker,
    async close() {
      const closing = worker.close();
      const grace = setTimeout(() => shutdown.abort(), config.shutdownGraceMs);
      try {
        await closing;
      } finally {
        clearTimeout(grace);
        await http.close();
        await connection.quit().catch(() => connection.disconnect());
      }
    },
  };
}

async function storeFailedOutput(
  connection: RedisClient,
  config: Config,
  job: Job,
  output: TaskOutput,
): Promise<void> {
  await connection.hset(jobKey(config, job.id ?? ''), OUTPUT_FIELD, JSON.stringify(output));
}
