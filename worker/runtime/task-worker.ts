import { hostname } from 'node:os';
import { pid } from 'node:process';
import { context as traceContextApi } from '@opentelemetry/api';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Config } from '../../shared/config.js';
import { ErrorCode } from '../../shared/errors/error-codes.js';
import { coerceError } from '../../shared/errors/coerce-error.js';
import { createFilesStore } from '../../shared/files/files-store.js';
import { executionIdOf, OutputStatus, type TaskOutput } from '../../shared/output.js';
import { storedOutput, type StoredOutput } from '../../shared/stored-output.js';
import { createRedis, type RedisClient } from '../../shared/redis-connection.js';
import { cancelMarkOf, splitJobData } from '../../shared/job-envelope.js';
import { isParkedExecution, type ParkedExecution } from '../../shared/parked-execution.js';
import { jobKey, OUTPUT_FIELD } from '../../shared/task-queue.js';
import { bullPrefixOf, type QueueRef } from '../../shared/queue-keys.js';
import type { Logger } from '../../shared/logger.js';
import { createAuthorizer } from '../executor/authorize-task.js';
import { logConnectionEvents } from './connection-log.js';
import {
  executeTask,
  isParked,
  type ExecutionResult,
  type ParkingExecutorDeps,
  type ParkResult,
} from '../executor/executor.js';
import { CancelListener } from './cancel-listener.js';
import { CANCELLED_MESSAGE, cancelledOutput } from '../executor/cancelled-output.js';
import { guardEmits } from './guard-emits.js';
import { JobLogWriter } from './job-log-writer.js';
import { abortOnLockLoss } from './lock-loss.js';
import { createHttpClient, type HttpClient } from '../executor/http-client.js';
import { startMetricsRecorder, type MetricsRecorder } from './metrics-recorder.js';
import { parkJob } from './park-job.js';
import { queueHasRateLimit } from './queue-rate-limit.js';
import { outboundPolicyOf } from '../executor/outbound/outbound-policy.js';
import { createPolicyLookup } from '../executor/outbound/policy-lookup.js';
import { createKeyRing, type KeyRing } from '../../shared/secrets/key-ring.js';
import { unsealTask } from '../../shared/secrets/seal-task.js';
import { leaveJob, RunningExecutions, type RunningExecution } from './running-executions.js';
import { HAND_BACK_MS, handBack, settlesWithin, Shutdown } from './shutdown.js';
import { startExecutionSpan } from './execution-span.js';
import { WorkerHealth } from './worker-health.js';
import { workerErrorLog } from './worker-error-log.js';
import { parseRunKey, runKeyOf, WorkerGroup } from './worker-group.js';
import { watchQueues, type QueueWatch } from './queue-watch.js';
import { CALLBACK_JOB_NAME } from '../../shared/callback.js';
import { prepareCallback, type CallbackDelivery } from './callbacks/callback-delivery.js';

/** A running worker process's queue consumer. */
export interface TaskWorker {
  /** One BullMQ Worker per consumed queue, as one. */
  readonly workers: WorkerGroup;
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
 * the job's hash. One BullMQ Worker per queue (TASKREST_QUEUES, or every
 * registered queue, watched), all on one Redis connection setup and one
 * HTTP client, WORKER_CONCURRENCY shared between them.
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
  if (config.callbackSecrets.length === 0) {
    logger.debug('TASKREST_CALLBACK_SECRETS is not set: callbacks are sent unsigned');
  }
  // Only for parked retries on a 429 (read the queue's rate limit, hold it back): made when first needed, per queue.
  const parkingQueues = new Map<string, Queue>();
  const queueOf = (queueName: string): Queue => {
    let queue = parkingQueues.get(queueName);
    if (!queue) {
      queue = new Queue(queueName, { connection, prefix: bullPrefixOf(refOf(queueName)) });
      parkingQueues.set(queueName, queue);
    }
    return queue;
  };
  const deps: ParkingExecutorDeps = {
    http: http.axios,
    files: createFilesStore(connection, config),
    maxResponseBytes: config.maxResponseBytes,
    checkDestination: (url) => policy.checkUrl(url),
    // Reads GRANTS_FILE and the user-token settings: a bad one stops the worker here.
    authorize: createAuthorizer(config, { redis: connection, http: http.axios, logger }),
    // A retry wait longer than this parks the job as delayed and frees the slot.
    parking: {
      inlineMs: config.inlineRetryMs,
      queueHasRateLimit: (queueName) => queueHasRateLimit(queueOf(queueName)),
    },
  };
  const shutdown = new Shutdown();
  // Each execution's own abort signal: for a lost lock, and at the end of the grace period.
  const executions = new RunningExecutions();
  // Counts for the API's /metrics, per queue, batched to Redis once a second.
  const recorders = new Map<string, MetricsRecorder>();
  const metricsOf = (queueName: string): MetricsRecorder => {
    let recorder = recorders.get(queueName);
    if (!recorder) {
      recorder = startMetricsRecorder(connection, refOf(queueName), {
        onError: (error) => logger.warn('could not send metrics', { error: error.message }),
      });
      recorders.set(queueName, recorder);
    }
    return recorder;
  };
  const refOf = (queueName: string): QueueRef => ({ prefix: config.prefix, queueName });

  const newWorker = (queueName: string, concurrency: number) =>
    // Two parameters: BullMQ then makes no abort signal per job (cancels go
    // through `executions`, see RunningExecutions.cancel).
    new Worker<unknown, StoredOutput>(queueName, async (job, token) => process(job, token), {
      connection,
      prefix: bullPrefixOf(refOf(queueName)),
      // BullMQ names its connections after it: queue.getWorkers() lists this process.
      name,
      // This queue's share of WORKER_CONCURRENCY (the group re-shares as queues come and go).
      concurrency,
      stalledInterval: config.stalledIntervalMs,
      maxStalledCount: config.maxStalledCount,
      lockDuration: config.lockDurationMs,
      // Retention (TASKREST_KEEP_*) of every job whose producer set none of its own.
      removeOnComplete: { ...config.keepCompleted },
      removeOnFail: { ...config.keepFailed },
    });
  const worker = new WorkerGroup(newWorker, config.workerConcurrency);
  const onListenerError = (event: string | symbol, error: Error) =>
    logger.error('event listener failed', { event: String(event), error: error.message });
  guardEmits(worker, onListenerError);
  guardEmits(connection, onListenerError);
  const health = new WorkerHealth(worker, connection, () => executions.size).start();
  worker.on('error', workerErrorLog(logger));
  abortOnLockLoss(
    worker,
    executions,
    (runKey) => {
      const { queueName, jobId } = parseRunKey(runKey);
      return connection.get(`${jobKey(refOf(queueName), jobId)}:lock`);
    },
    logger,
  );
  // Cancels published by any producer: the process running the execution aborts it.
  const cancels = new CancelListener(
    connection,
    config.prefix,
    (queueName, { id, by }) => {
      if (executions.cancel(runKeyOf(queueName, id), by))
        logger.info('execution cancelled', { queue: queueName, id, by });
    },
    (error) => logger.warn('cancel channel', { error: error.message }),
  );
  const follow = async (names: readonly string[]) => {
    // Not awaited: consuming starts at once, without waiting for Redis; the
    // subscriber catches up when Redis answers (and resubscribes after an outage).
    cancels
      .follow(names)
      .catch((error: unknown) =>
        logger.warn('could not follow the cancel channels', { error: coerceError(error).message }),
      );
    await worker.setQueues(names);
  };
  const queues: QueueWatch = watchQueues(connection, config, follow, {
    onChange: (names) => logger.info('consuming queues', { queues: names }),
    onError: (error) => logger.warn('could not read the queue registry', { error: error.message }),
  });
  worker.on('failed', (job: Job | undefined, error: Error) =>
    logger.debug('execution failed', { queue: job?.queueName, id: job?.id, reason: error.message }),
  );

  async function process(
    job: Job<unknown, StoredOutput>,
    token: string | undefined,
  ): Promise<StoredOutput> {
    const jobLog = new JobLogWriter(
      connection,
      `${jobKey(refOf(job.queueName), job.id ?? '')}:logs`,
      job.opts.keepLogs,
    );
    const { task: stored, meta } = splitJobData(job.data);
    // Cancelled while an earlier worker ran it (that one died): it ends now, nothing is sent.
    const mark = cancelMarkOf(job.data);
    if (mark) return endCancelled(job, null, mark.by, jobLog);
    // Registered before anything is awaited, so that a cancel finds it; until
    // the job is settled (handed back, its failure stored): a stop that
    // cannot wait any longer names the jobs it leaves to the stalled check.
    const execution = executions.start(runKeyOf(job.queueName, job.id ?? ''), token);
    try {
      const opened = openSecrets(stored, meta.sealed, keyRing);
      // A callback job (the parent of its execution) or a task job: told apart by the job name.
      const callback =
        job.name === CALLBACK_JOB_NAME
          ? await prepareCallback(job, opened, meta, {
              redis: connection,
              queue: refOf(job.queueName),
              secrets: config.callbackSecrets,
            })
          : undefined;
      const task = callback ? callback.task : opened;
      const resume = isParkedExecution(meta.parked) ? meta.parked : undefined;
      const startedAt = performance.now();
      return await runExecution(
        job,
        token,
        task,
        meta.user,
        meta.trace,
        execution,
        jobLog,
        startedAt,
        resume,
        callback,
      );
    } finally {
      executions.finish(execution);
    }
  }

  async function runExecution(
    job: Job<unknown, StoredOutput>,
    token: string | undefined,
    task: unknown,
    user: string | undefined,
    storedTrace: unknown,
    execution: RunningExecution,
    jobLog: JobLogWriter,
    startedAt: number,
    resume: ParkedExecution | undefined,
    callback: CallbackDelivery | undefined,
  ): Promise<StoredOutput> {
    const span = startExecutionSpan(storedTrace, executionIdOf(job.id), job.queueName);
    // Active too, for what the executor does not hand the context to (a grant's token request).
    const result = await traceContextApi.with(span.context, () =>
      executeTask(
        task,
        {
          executionId: executionIdOf(job.id),
          ...(user ? { user } : {}),
          signal: execution.signal,
          onLog: (line) => jobLog.add(line),
          traceContext: span.context,
          queue: job.queueName,
          ...(resume ? { resume } : {}),
          ...(callback ? { attemptHeaders: callback.attemptHeaders } : {}),
        },
        deps,
      ),
    );
    // A parked execution goes on later, under a span of its own.
    span.end(
      isParked(result) || result.output.status === OutputStatus.SUCCESS
        ? undefined
        : (result.error?.code ?? '_OTHER'),
    );
    // Its lock is gone: whatever this execution ended with is not the job's to record.
    if (execution.lockLost) {
      await jobLog.close();
      return leaveJob();
    }
    // Cancelled: it ends failed, whatever the aborted request left (no retry, no park).
    const cancelledBy = execution.cancelledBy;
    if (cancelledBy !== undefined) return endCancelled(job, result, cancelledBy, jobLog);
    // A quick completed execution's lines are its output's log: no job log for it.
    await jobLog.close({
      kept: !resume && !isParked(result) && result.output.status === OutputStatus.SUCCESS,
    });
    // A long retry wait: the job waits as delayed (or the queue is held back), not in this slot.
    if (isParked(result)) {
      return parkJob(job, token, result, {
        rateLimit: (ms) => queueOf(job.queueName).rateLimit(ms),
      });
    }
    const { output, error } = result;
    // Cut off by shutdown: hand the job back rather than fail it (and count it when it runs again).
    if (output.status !== OutputStatus.SUCCESS && shutdown.expired && token) {
      return handBack(job, token);
    }
    metricsOf(job.queueName).record(result, performance.now() - startedAt);
    if (output.status === OutputStatus.SUCCESS) return storedOutput(output);
    await storeFailedOutput(connection, refOf(job.queueName), job, output);
    // An invalid task stays invalid, a denied destination denied: no BullMQ attempt may run it again.
    throw error?.code === ErrorCode.INVALID_TASK || error?.code === ErrorCode.DESTINATION_DENIED
      ? new UnrecoverableError(output.message)
      : new Error(output.message);
  }

  /** Fails a cancelled execution for good: message `cancelled`, its log naming who. */
  async function endCancelled(
    job: Job<unknown, StoredOutput>,
    result: ExecutionResult | ParkResult | null,
    by: string,
    jobLog: JobLogWriter,
  ): Promise<never> {
    const { output, line } = cancelledOutput(
      executionIdOf(job.id),
      result,
      by,
      (message) => `${new Date().toISOString()} ${message}`,
    );
    jobLog.add(line);
    await jobLog.close();
    await storeFailedOutput(connection, refOf(job.queueName), job, output);
    // Unrecoverable: no BullMQ attempt runs a cancelled execution again.
    throw new UnrecoverableError(CANCELLED_MESSAGE);
  }

  return {
    workers: worker,
    name,
    health,
    async close() {
      health.markStopping();
      const stopped = (async () => {
        try {
          await queues.stop();
          await shutdown.close(worker, config.shutdownGraceMs, () => {
            logger.warn('grace period over: aborting running jobs and handing them back', {
              jobs: executions.jobIds(),
            });
            executions.abortAll();
          });
        } finally {
          // Cancels reach executions until the grace period is over.
          await cancels.close();
          await http.close();
          await Promise.all([...recorders.values()].map((recorder) => recorder.close()));
          await Promise.all([...parkingQueues.values()].map((queue) => queue.close()));
          await connection.quit().catch(() => connection.disconnect());
        }
      })();
      // Every step above waits for Redis, and a worker connection waits for it
      // for ever (and ioredis' quit and BullMQ's close with it): the stop has a
      // deadline instead, so that a supervisor's SIGTERM ends the process.
      const inTime = await settlesWithin(stopped, config.shutdownGraceMs + HAND_BACK_MS);
      health.stop();
      if (inTime) return;
      logger.error(
        'Redis unreachable: stopping without handing back; these jobs come back as stalled',
        { jobs: executions.jobIds() },
      );
      // No more reconnect attempts, on the worker's connection nor on BullMQ's own.
      connection.disconnect();
      cancels.disconnect();
      worker.disconnect();
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
  queue: QueueRef,
  job: Job,
  output: TaskOutput,
): Promise<void> {
  await connection.hset(
    jobKey(queue, job.id ?? ''),
    OUTPUT_FIELD,
    JSON.stringify(storedOutput(output)),
  );
}
