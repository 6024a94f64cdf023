import { hostname } from 'node:os';
import { pid } from 'node:process';
import { Queue, Worker, type Job } from 'bullmq';
import type { Config } from '../../shared/config.js';
import type { ExecutionRecord } from '../../shared/history/execution-record.js';
import { coerceError } from '../../shared/errors/coerce-error.js';
import type { Logger } from '../../shared/logger.js';
import { bullPrefixOf, type QueueRef } from '../../shared/queue-keys.js';
import { createRedis, type RedisClient } from '../../shared/redis-connection.js';
import { createKeyRing } from '../../shared/secrets/key-ring.js';
import type { StoredOutput } from '../../shared/stored-output.js';
import { jobKey } from '../../shared/task-queue.js';
import { outboundPolicyOf } from '../../shared/outbound/outbound-policy.js';
import { CancelListener } from './cancel-listener.js';
import { startDestinationGate } from './destination-gate.js';
import { logConnectionEvents } from './connection-log.js';
import { createExecutorDeps, createWorkerHttpClient } from './executor-deps.js';
import { guardEmits } from './guard-emits.js';
import { HistoryAppend } from './history-append.js';
import { JobProcessor } from './job-processor.js';
import { abortOnLockLoss } from './lock-loss.js';
import { startMetricsRecorder } from './metrics-recorder.js';
import { PerQueue } from './per-queue.js';
import { queueChangeFields } from './queue-changes.js';
import { startableJobs } from './queue-demand.js';
import { sweepRemovedQueue } from './queue-residue.js';
import { watchQueues, type QueueWatch } from './queue-watch.js';
import { RunningExecutions } from './running-executions.js';
import { Shutdown } from './shutdown.js';
import { isStalledFailure } from './stalled-failure.js';
import { stopTaskWorker, type TaskWorkerParts } from './stop-task-worker.js';
import { workerErrorLog } from './worker-error-log.js';
import { parseRunKey, runKeyOf, WorkerGroup, type WorkerGroupOptions } from './worker-group.js';
import { WorkerHealth } from './worker-health.js';

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

/** How a worker process runs, beyond its configuration. */
export interface TaskWorkerOptions {
  /**
   * Append each ended execution's record to its queue's history stream
   * (TASKREST_HISTORY_URL is set, or `taskrest dev` keeps a history). The
   * worker never connects to the history itself: recorders do.
   */
  readonly recordHistory?: boolean;
  /**
   * Told each ended execution's record (URL redacted, as the history keeps
   * it): `taskrest dev` prints a line per execution from it. Other
   * commands leave it unset, and then no record is made for it.
   */
  readonly onEnded?: (record: ExecutionRecord) => void;
}

/**
 * The thin BullMQ wiring around a JobProcessor, which takes each job, runs
 * the executor and writes the output back. One BullMQ Worker per queue
 * (TASKREST_QUEUES, or every registered queue, watched), all on one Redis
 * connection setup and one HTTP client, WORKER_CONCURRENCY one pool they share by demand.
 */
export function startTaskWorker(
  config: Config,
  logger: Logger,
  options: TaskWorkerOptions = {},
): TaskWorker {
  const name = `${hostname()}:${pid}`;
  const connection = createRedis(config, 'worker');
  logConnectionEvents(connection, logger);
  const refOf = (queueName: string): QueueRef => ({ prefix: config.prefix, queueName });
  // The outbound policy: every resolved address at connect time, every hop's URL before it is sent.
  const policy = outboundPolicyOf(config);
  const http = createWorkerHttpClient(config, policy);
  const keyRing = createKeyRing(config);
  if (config.callbackSecrets.length === 0) {
    logger.debug('TASKREST_CALLBACK_SECRETS is not set: callbacks are sent unsigned');
  }
  const parkingQueues = parkingQueuesOf(connection, config.prefix);
  const gate = startDestinationGate(config, connection, name, parkingQueues, logger);
  const deps = createExecutorDeps(config, { connection, http, policy, gate, logger });
  const shutdown = new Shutdown();
  // Each execution's own abort signal: for a lost lock, and at the end of the grace period.
  const executions = new RunningExecutions();
  const processor = new JobProcessor({
    connection,
    prefix: config.prefix,
    deps,
    executions,
    shutdown,
    // Counts for the API's /metrics, per queue, batched to Redis once a second.
    metrics: new PerQueue((queueName) =>
      startMetricsRecorder(connection, refOf(queueName), {
        onError: (error) => logger.warn('could not send metrics', { error: error.message }),
      }),
    ),
    parkingQueues,
    keyRing,
    callbackSecrets: config.callbackSecrets,
    callbackTimeouts: config.callbackTimeouts,
    history: options.recordHistory ? new HistoryAppend(connection, config.prefix) : null,
    onEnded: options.onEnded,
  });
  const worker = workerGroupOf(config, connection, name, processor, logger);
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
  const cancels = listenForCancels(connection, config.prefix, executions, logger);
  const queues = consumeWatchedQueues(config, connection, worker, cancels, logger);
  worker.on('failed', (job: Job | undefined, error: Error) => {
    logger.debug('execution failed', { queue: job?.queueName, id: job?.id, reason: error.message });
    if (isStalledFailure(job, error)) recordStalled(processor, job, logger);
  });
  const parts: TaskWorkerParts = {
    config,
    logger,
    connection,
    http,
    worker,
    health,
    queues,
    cancels,
    shutdown,
    executions,
    processor,
    gate,
  };
  return { workers: worker, name, health, close: () => stopTaskWorker(parts) };
}

/**
 * Records a job BullMQ's stalled check failed (no processor ran for that
 * ending): a warning names it, as the stop of the worker that ran it went
 * unannounced.
 */
function recordStalled(processor: JobProcessor, job: Job, logger: Logger): void {
  const fields = { queue: job.queueName, id: job.id };
  logger.warn('execution failed by the stalled check', fields);
  processor.recordStalled(job).catch((error: unknown) =>
    logger.warn('could not record a stalled execution', {
      ...fields,
      error: coerceError(error).message,
    }),
  );
}

/** Only to wake held executions (promote their delayed jobs): made when first needed, per queue. */
function parkingQueuesOf(connection: RedisClient, prefix: string): PerQueue<Queue> {
  return new PerQueue(
    (queueName) =>
      new Queue(queueName, {
        connection,
        prefix: bullPrefixOf({ prefix, queueName }),
        // It only promotes jobs: made as the queue is removed, it must not write its meta back.
        skipMetasUpdate: true,
      }),
  );
}

/** One BullMQ Worker per consumed queue around `processor`, WORKER_CONCURRENCY one pool shared by demand. */
function workerGroupOf(
  config: Config,
  connection: RedisClient,
  name: string,
  processor: JobProcessor,
  logger: Logger,
): WorkerGroup {
  const refOf = (queueName: string): QueueRef => ({ prefix: config.prefix, queueName });
  return new WorkerGroup({
    create: bullWorkerFactory(config, connection, name, processor),
    totalConcurrency: config.workerConcurrency,
    startable: (queueName) => startableJobs(connection, refOf(queueName)),
    // A queue let go of was removed: what its Worker wrote since goes too.
    onLetGo: (queueName) =>
      sweepRemovedQueue(connection, refOf(queueName)).then(
        () => undefined,
        (error: unknown) =>
          logger.warn('could not clear a removed queue', {
            queue: queueName,
            error: coerceError(error).message,
          }),
      ),
  });
}

/** Makes the BullMQ Worker of one queue around `processor`, its jobs counted for the group's shares. */
function bullWorkerFactory(
  config: Config,
  connection: RedisClient,
  name: string,
  processor: JobProcessor,
): WorkerGroupOptions['create'] {
  return (queueName, concurrency, counted) =>
    // Two parameters: BullMQ then makes no abort signal per job (cancels go
    // through the running executions, see RunningExecutions.cancel).
    new Worker<unknown, StoredOutput>(
      queueName,
      (job, token) => counted(() => processor.process(job, token)),
      {
        connection,
        prefix: bullPrefixOf({ prefix: config.prefix, queueName }),
        // BullMQ names its connections after it: queue.getWorkers() lists this process.
        name,
        // Its share of WORKER_CONCURRENCY to start with; the group sets it again every second.
        concurrency,
        stalledInterval: config.stalledIntervalMs,
        maxStalledCount: config.maxStalledCount,
        lockDuration: config.lockDurationMs,
        // Retention (TASKREST_KEEP_*) of every job whose producer set none of its own.
        removeOnComplete: { ...config.keepCompleted },
        removeOnFail: { ...config.keepFailed },
      },
    );
}

/** Cancels published by any producer: the process running the execution aborts it. */
function listenForCancels(
  connection: RedisClient,
  prefix: string,
  executions: RunningExecutions,
  logger: Logger,
): CancelListener {
  return new CancelListener(
    connection,
    prefix,
    (queueName, { id, by }) => {
      if (executions.cancel(runKeyOf(queueName, id), by))
        logger.info('execution cancelled', { queue: queueName, id, by });
    },
    (error) => logger.warn('cancel channel', { error: error.message }),
  );
}

/** Consumes the queues the watch names (TASKREST_QUEUES, or the registry) and follows their cancels. */
function consumeWatchedQueues(
  config: Config,
  connection: RedisClient,
  worker: WorkerGroup,
  cancels: CancelListener,
  logger: Logger,
): QueueWatch {
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
  let consumed: readonly string[] = [];
  return watchQueues(connection, config, follow, {
    onChange: (names) => {
      logger.info('consuming queues', { ...queueChangeFields(consumed, names) });
      consumed = names;
    },
    onError: (error) => logger.warn('could not read the queue registry', { error: error.message }),
  });
}
