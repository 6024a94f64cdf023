import { hostname } from 'node:os';
import { pid } from 'node:process';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Config } from '../shared/config.js';
import { ErrorCode } from '../shared/errors/error-codes.js';
import { coerceError } from '../shared/errors/coerce-error.js';
import { createFilesStore } from '../shared/files/files-store.js';
import { executionIdOf, OutputStatus, type TaskOutput } from '../shared/output.js';
import { createRedis, type RedisClient } from '../shared/redis-connection.js';
import { splitJobData } from '../shared/job-envelope.js';
import { jobKey, OUTPUT_FIELD } from '../shared/task-queue.js';
import type { Logger } from '../shared/logger.js';
import { createAuthorizer } from './authorize-task.js';
import { logConnectionEvents } from './connection-log.js';
import { executeTask, type ExecutorDeps } from './executor.js';
import { guardEmits } from './guard-emits.js';
import { JobLogWriter } from './job-log-writer.js';
import { createHttpClient, type HttpClient } from './http-client.js';
import { startMetricsRecorder } from './metrics-recorder.js';
import { outboundPolicyOf } from './outbound/outbound-policy.js';
import { createPolicyLookup } from './outbound/policy-lookup.js';
import { createKeyRing, type KeyRing } from '../shared/secrets/key-ring.js';
import { unsealTask } from '../shared/secrets/seal-task.js';
import { handBack, Shutdown } from './shutdown.js';
import { WorkerHealth } from './worker-health.js';

/** A running worker process's queue consumer. */
export interface TaskWorker {
  readonly worker: Worker;
  /** `host:pid`: the name `queue.getWorkers()` lists and each job's `processedBy` records. */
  readonly name: string;
  /** Whether this worker is consuming (the health endpoint's `/readyz`). */
  readonly health: WorkerHealth;
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
  const name = `${hostname()}:${pid}`;
  const connection = createRedis(config, 'worker');
  logConnectionEvents(connection, logger);
  // The outbound policy: every resolved address at connect time, every hop's URL before it is sent.
  const policy = outboundPolicyOf(config);
  const http: HttpClient = createHttpClient({
    defaultMaxResponseBytes: config.maxResponseBytes,
    lookup: createPolicyLookup(policy),
    // Every connection, whoever asks for it (a task, a grant's token request): IP literals too.
    checkHost: (hostname) => policy.checkDestination(hostname),
  });
  const keyRing = createKeyRing(config);
  const deps: ExecutorDeps = {
    http: http.axios,
    files: createFilesStore(connection, config),
    maxResponseBytes: config.maxResponseBytes,
    checkDestination: (url) => policy.checkUrl(url),
    // Reads GRANTS_FILE and the user-token settings: a bad one stops the worker here.
    authorize: createAuthorizer(config, { redis: connection, http: http.axios, logger }),
  };
  // Its signal aborts requests still in flight at the end of the grace period.
  const shutdown = new Shutdown();
  const active = new Set<Job>();
  // Counts for the API's /metrics, batched to Redis once a second.
  const metrics = startMetricsRecorder(connection, config, {
    onError: (error) => logger.warn('could not send metrics', { error: error.message }),
  });

  const worker = new Worker<unknown, TaskOutput>(
    config.queueName,
    async (job, token) => process(job, token),
    {
      connection,
      prefix: config.prefix,
      // BullMQ names its connections after it: queue.getWorkers() lists this process.
      name,
      concurrency: config.workerConcurrency,
      stalledInterval: config.stalledIntervalMs,
      maxStalledCount: config.maxStalledCount,
      lockDuration: config.lockDurationMs,
      // Retention for jobs whose producer set none (written by someone else).
      removeOnComplete: { ...config.keepCompleted },
      removeOnFail: { ...config.keepFailed },
    },
  );
  const onListenerError = (event: string | symbol, error: Error) =>
    logger.error('event listener failed', { event: String(event), error: error.message });
  guardEmits(worker, onListenerError);
  guardEmits(connection, onListenerError);
  const health = new WorkerHealth(worker, connection, () => active.size).start();
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
    const jobLog = new JobLogWriter(
      connection,
      `${jobKey(config, job.id ?? '')}:logs`,
      job.opts.keepLogs,
    );
    const { task: stored, meta } = splitJobData(job.data);
    const task = openSecrets(stored, meta.sealed, keyRing);
    const startedAt = performance.now();
    active.add(job);
    const result = await executeTask(
      task,
      {
        executionId: executionIdOf(job.id),
        ...(meta.user ? { user: meta.user } : {}),
        signal: shutdown.signal,
        onLog: (line) => jobLog.add(line),
      },
      deps,
    ).finally(() => active.delete(job));
    const { output, error } = result;
    await jobLog.close();
    // Cut off by shutdown: hand the job back rather than fail it (and count it when it runs again).
    if (output.status !== OutputStatus.SUCCESS && shutdown.expired && token) {
      return handBack(job, token);
    }
    metrics.record(result, performance.now() - startedAt);
    if (output.status === OutputStatus.SUCCESS) return output;
    await storeFailedOutput(connection, config, job, output);
    // An invalid task stays invalid, a denied destination denied: no BullMQ attempt may run it again.
    throw error?.code === ErrorCode.INVALID_TASK || error?.code === ErrorCode.DESTINATION_DENIED
      ? new UnrecoverableError(output.message)
      : new Error(output.message);
  }

  return {
    worker,
    name,
    health,
    async close() {
      health.markStopping();
      try {
        await shutdown.close(worker, config.shutdownGraceMs, () =>
          logger.warn('grace period over: aborting running jobs and handing them back', {
            jobs: [...active].map((job) => job.id),
          }),
        );
      } finally {
        health.stop();
        await http.close();
        await metrics.close();
        await connection.quit().catch(() => connection.disconnect());
      }
    },
  };
}

/** The task with its sealed secrets back (in memory only); a box that cannot be opened fails the job for good. */
function openSecrets(task: unknown, sealed: unknown, keyRing: KeyRing): unknown {
  if (sealed === undefined) return task;
  try {
    return unsealTask(task, sealed, keyRing);
  } catch (error) {
    throw new UnrecoverableError(coerceError(error).message);
  }
}

async function storeFailedOutput(
  connection: RedisClient,
  config: Config,
  job: Job,
  output: TaskOutput,
): Promise<void> {
  await connection.hset(jobKey(config, job.id ?? ''), OUTPUT_FIELD, JSON.stringify(output));
}
