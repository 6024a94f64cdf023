import { context as traceContextApi } from '@opentelemetry/api';
import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import { CALLBACK_JOB_NAME } from '../../shared/callback.js';
import { coerceError } from '../../shared/errors/coerce-error.js';
import type { ExecutionRecord } from '../../shared/history/execution-record.js';
import { cancelMarkOf, splitJobData, type JobMeta } from '../../shared/job-envelope.js';
import { executionIdOf, OutputStatus, type TaskOutput } from '../../shared/output.js';
import { isParkedExecution, type ParkedExecution } from '../../shared/parked-execution.js';
import type { QueueRef } from '../../shared/queue-keys.js';
import type { CallbackTimeouts } from '../../shared/config.js';
import type { RedisClient } from '../../shared/redis-connection.js';
import type { KeyRing } from '../../shared/secrets/key-ring.js';
import { unsealTask } from '../../shared/secrets/seal-task.js';
import { storedOutput, type StoredOutput } from '../../shared/stored-output.js';
import { jobKey } from '../../shared/task-queue.js';
import { cancelledOutput } from '../executor/cancelled-output.js';
import {
  executeTask,
  isParked,
  type ExecutionResult,
  type ParkingExecutorDeps,
  type ParkResult,
} from '../executor/executor.js';
import { prepareCallback, type CallbackDelivery } from './callbacks/callback-delivery.js';
import { outcomeOf } from './execution-outcome.js';
import { startExecutionSpan } from './execution-span.js';
import { recordOf, type EndedRun, type HistoryAppend } from './history-append.js';
import { cancelledFailure, jobFailure, storeFailedOutput } from './job-failure.js';
import { JobLogWriter } from './job-log-writer.js';
import type { MetricsRecorder } from './metrics-recorder.js';
import { parkJob } from './park-job.js';
import type { PerQueue } from './per-queue.js';
import { leaveJob, type RunningExecutions, type RunningExecution } from './running-executions.js';
import { handBack, type Shutdown } from './shutdown.js';
import { recordStalledFailure } from './stalled-failure.js';
import { runKeyOf } from './worker-group.js';

/** What a JobProcessor works with: the parts of the worker process its jobs share. */
export interface JobProcessorOptions {
  /** The worker's Redis connection: job logs, failed outputs, what a callback reports on. */
  readonly connection: RedisClient;
  /** TASKREST_PREFIX: where each queue's keys live. */
  readonly prefix: string;
  /** What the executor sends requests with (HTTP client, files, outbound policy, credentials, parking). */
  readonly deps: ParkingExecutorDeps;
  /** Each running execution with its own abort signal (a cancel, a lost lock, the end of the grace period). */
  readonly executions: RunningExecutions;
  /** The worker's way out: once the grace period is over, cut-off jobs are handed back. */
  readonly shutdown: Pick<Shutdown, 'expired'>;
  /** Each queue's counts for `/metrics`. The processor owns them: `close` closes them. */
  readonly metrics: PerQueue<MetricsRecorder>;
  /** Each queue's Queue, through which held executions are woken (promoted). Owned like `metrics`. */
  readonly parkingQueues: PerQueue<Queue>;
  /** Opens the sealed secrets of a job's task (TASKREST_SECRET_KEY). */
  readonly keyRing: KeyRing;
  /** TASKREST_CALLBACK_SECRETS: what callbacks are signed with (empty: unsigned). */
  readonly callbackSecrets: readonly Buffer[];
  /** TASKREST_CALLBACK_*TIMEOUT_SECONDS: each callback request's timeouts. */
  readonly callbackTimeouts: CallbackTimeouts;
  /** Appends each ended execution's record for the history; null when history is off. */
  readonly history: HistoryAppend | null;
  /**
   * Told each ended execution's record once it is stored (`taskrest dev`'s
   * line per execution). Unset, no record is made for it.
   */
  readonly onEnded?: ((record: ExecutionRecord) => void) | undefined;
}

/** One run of a job in this worker: what its steps, from opening it to settling it, share. */
interface JobRun {
  readonly job: Job<unknown, StoredOutput>;
  /** The job's lock token for this run (absent when BullMQ gave none). */
  readonly token: string | undefined;
  /** The task to execute: its sealed secrets opened, a callback's body added. */
  readonly task: unknown;
  /** taskrest's metadata of the job (its run number, flow key, trace context). */
  readonly meta: JobMeta;
  /** Who started the execution, for pass_user_token. */
  readonly user: string | undefined;
  /** The trace context stored with the job (unchecked job data). */
  readonly trace: unknown;
  /** Its entry in the running executions: the abort signal, a cancel, a lost lock. */
  readonly execution: RunningExecution;
  /** The job's BullMQ log, where the execution's lines go. */
  readonly jobLog: JobLogWriter;
  /** When the execution started (`performance.now()`), for its duration in the metrics. */
  readonly startedAt: number;
  /** When its first attempt started (epoch ms; a resumed execution's own), for its history record. */
  readonly firstAttemptAt: number;
  /** The parked execution this run goes on with. */
  readonly resume: ParkedExecution | undefined;
  /** A callback job's delivery (its body, each request's signature). */
  readonly callback: CallbackDelivery | undefined;
}

/**
 * Runs each job BullMQ hands the worker, as steps: open it (its log, its
 * cancel mark, its secrets, a callback's body, a parked execution to resume),
 * execute it (under its span), and settle it. Status success completes the
 * job with the output as its return value; status error fails it with the
 * message as the reason, the output kept in the job's hash. A lost lock, a
 * cancel, a parked retry and the end of the grace period each settle the job
 * their own way.
 */
export class JobProcessor {
  readonly #connection: RedisClient;
  readonly #prefix: string;
  readonly #deps: ParkingExecutorDeps;
  readonly #executions: RunningExecutions;
  readonly #shutdown: Pick<Shutdown, 'expired'>;
  readonly #metrics: PerQueue<MetricsRecorder>;
  readonly #parkingQueues: PerQueue<Queue>;
  readonly #keyRing: KeyRing;
  readonly #callbackSecrets: readonly Buffer[];
  readonly #callbackTimeouts: CallbackTimeouts;
  readonly #history: HistoryAppend | null;
  readonly #onEnded: ((record: ExecutionRecord) => void) | undefined;

  constructor(options: JobProcessorOptions) {
    this.#connection = options.connection;
    this.#prefix = options.prefix;
    this.#deps = options.deps;
    this.#executions = options.executions;
    this.#shutdown = options.shutdown;
    this.#metrics = options.metrics;
    this.#parkingQueues = options.parkingQueues;
    this.#keyRing = options.keyRing;
    this.#callbackSecrets = options.callbackSecrets;
    this.#callbackTimeouts = options.callbackTimeouts;
    this.#history = options.history;
    this.#onEnded = options.onEnded;
  }

  /** BullMQ's processor: runs `job` under its lock `token` and settles it. */
  async process(job: Job<unknown, StoredOutput>, token: string | undefined): Promise<StoredOutput> {
    const jobLog = new JobLogWriter(
      this.#connection,
      jobKey(this.#refOf(job.queueName), job.id ?? ''),
      job.opts.keepLogs,
    );
    // Cancelled while an earlier worker ran it (that one died): it ends now, nothing is sent.
    const mark = cancelMarkOf(job.data);
    if (mark) {
      // Counted as cancelled; how long it ran, in the worker that died, is not known here.
      this.#metrics.get(job.queueName).recordCancelled(null);
      return this.#settleCancelled(job, null, mark.by, jobLog, null);
    }
    // Registered before anything is awaited, so that a cancel finds it; until
    // the job is settled (handed back, its failure stored): a stop that
    // cannot wait any longer names the jobs it leaves to the stalled check.
    const execution = this.#executions.start(runKeyOf(job.queueName, job.id ?? ''), token);
    let thrown: unknown;
    try {
      const run = await this.#open(job, token, execution, jobLog);
      const result = await this.#execute(run);
      return await this.#settle(run, result);
    } catch (error) {
      thrown = error;
      throw error;
    } finally {
      this.#executions.finish(execution, outcomeOf(thrown, execution.lockLost));
    }
  }

  /**
   * Records `job`, failed by BullMQ's stalled check without this processor
   * running (stalled-failure.ts): its output, history record and count.
   */
  async recordStalled(job: Job): Promise<void> {
    const record = await recordStalledFailure(job, {
      connection: this.#connection,
      queue: this.#refOf(job.queueName),
      metrics: this.#metrics.get(job.queueName),
      history: this.#history !== null,
      onEnded: this.#onEnded,
    });
    this.#tell(record);
  }

  /** Closes what the processor owns: each queue's metrics recorder (sending what is left), then its parking Queue. */
  async close(): Promise<void> {
    await this.#metrics.close();
    await this.#parkingQueues.close();
  }

  /** The run of `job`: its task with the sealed secrets back, a callback's delivery, a parked execution to resume. */
  async #open(
    job: Job<unknown, StoredOutput>,
    token: string | undefined,
    execution: RunningExecution,
    jobLog: JobLogWriter,
  ): Promise<JobRun> {
    const { task: stored, meta } = splitJobData(job.data);
    const opened = openSecrets(stored, meta.sealed, this.#keyRing);
    // A callback job (the parent of its execution) or a task job: told apart by the job name.
    const resume = isParkedExecution(meta.parked) ? meta.parked : undefined;
    const callback =
      job.name === CALLBACK_JOB_NAME
        ? await prepareCallback(job, opened, meta, {
            redis: this.#connection,
            queue: this.#refOf(job.queueName),
            secrets: this.#callbackSecrets,
            timeouts: this.#callbackTimeouts,
          })
        : undefined;
    return {
      job,
      token,
      task: callback ? callback.task : opened,
      meta,
      user: meta.user,
      trace: meta.trace,
      execution,
      jobLog,
      resume,
      callback,
      startedAt: performance.now(),
      firstAttemptAt: resume?.firstAttemptAt ?? Date.now(),
    };
  }

  /** Runs the execution under its span, with its abort signal, its lines going to the job log. */
  async #execute(run: JobRun): Promise<ExecutionResult | ParkResult> {
    const { job, user, execution, jobLog, resume, callback } = run;
    const span = startExecutionSpan(run.trace, executionIdOf(job.id), job.queueName);
    // Active too, for what the executor does not hand the context to (a grant's token request).
    const result = await traceContextApi.with(span.context, () =>
      executeTask(
        run.task,
        {
          executionId: executionIdOf(job.id),
          ...(user ? { user } : {}),
          signal: execution.signal,
          onLog: (line) => jobLog.add(line),
          traceContext: span.context,
          queue: job.queueName,
          ...(run.meta.flowKey ? { flowKey: run.meta.flowKey } : {}),
          ...(resume ? { resume } : {}),
          ...callback?.sending,
        },
        this.#deps,
      ),
    );
    // A parked execution goes on later, under a span of its own.
    span.end(
      isParked(result) || result.output.status === OutputStatus.SUCCESS
        ? undefined
        : (result.error?.code ?? '_OTHER'),
    );
    return result;
  }

  /** Ends the job the way its execution ended: completed, failed, parked, handed back or left. */
  async #settle(run: JobRun, result: ExecutionResult | ParkResult): Promise<StoredOutput> {
    const { job, execution, jobLog } = run;
    // Its lock is gone: whatever this execution ended with is not the job's to record.
    if (execution.lockLost) return this.#settleLockLost(jobLog);
    // Cancelled: it ends failed, whatever the aborted request left (no retry, no park).
    const cancelledBy = execution.cancelledBy;
    if (cancelledBy !== undefined) {
      this.#metrics.get(job.queueName).recordCancelled({
        counts: result.counts,
        durationMs: performance.now() - run.startedAt,
      });
      return this.#settleCancelled(job, result, cancelledBy, jobLog, run);
    }
    // A quick completed execution's lines are its output's log: no job log for it.
    await jobLog.close({
      kept: !run.resume && !isParked(result) && result.output.status === OutputStatus.SUCCESS,
    });
    if (isParked(result)) return this.#settlePark(run, result);
    if (result.output.status === OutputStatus.SUCCESS) return this.#settleCompleted(run, result);
    if (this.#shutdown.expired && run.token) return this.#settleHandBack(job, run.token);
    return this.#settleFailed(run, result);
  }

  /** Leaves a job whose lock this worker lost: its lines are written, nothing else. */
  async #settleLockLost(jobLog: JobLogWriter): Promise<never> {
    await jobLog.close();
    return leaveJob();
  }

  /** Fails a cancelled execution for good: message `cancelled`, its log naming who. */
  async #settleCancelled(
    job: Job<unknown, StoredOutput>,
    result: ExecutionResult | ParkResult | null,
    by: string,
    jobLog: JobLogWriter,
    run: JobRun | null,
  ): Promise<never> {
    const { output, line } = cancelledOutput(
      executionIdOf(job.id),
      result,
      by,
      (message) => `${new Date().toISOString()} ${message}`,
    );
    jobLog.add(line);
    await jobLog.close();
    await this.#storeFailure(job, output, () => ({
      job,
      meta: run?.meta ?? splitJobData(job.data).meta,
      task: run?.task ?? null,
      output,
      result: result && !isParked(result) ? result : null,
      cancelled: true,
      startedAt: run?.firstAttemptAt ?? null,
    }));
    throw cancelledFailure();
  }

  /** A long retry wait: the job waits as delayed (or the queue is held back), not in this slot. */
  #settlePark(run: JobRun, result: ParkResult): Promise<never> {
    const { job } = run;
    return parkJob(job, run.token, result);
  }

  /** Completes the job, the output its return value (its history record appended first). */
  async #settleCompleted(run: JobRun, result: ExecutionResult): Promise<StoredOutput> {
    this.#record(run, result);
    const record = this.#recordOf(() => this.#endedRun(run, result));
    if (record && this.#history) await this.#history.append(record);
    this.#tell(record);
    return storedOutput(result.output);
  }

  /** Cut off by shutdown: hand the job back rather than fail it (and count it when it runs again). */
  #settleHandBack(job: Job, token: string): Promise<never> {
    return handBack(job, token);
  }

  /** Fails the job: its output kept in the job's hash, the error telling BullMQ whether to try again. */
  async #settleFailed(run: JobRun, result: ExecutionResult): Promise<never> {
    const { job } = run;
    const { output, error } = result;
    this.#record(run, result);
    await this.#storeFailure(job, output, () => this.#endedRun(run, result));
    throw jobFailure(output.message, error?.code);
  }

  /** Counts a finished execution in its queue's metrics. */
  #record(run: JobRun, result: ExecutionResult): void {
    this.#metrics.get(run.job.queueName).record(result, performance.now() - run.startedAt);
  }

  /**
   * Keeps a failed execution's output in the job's hash, its history record
   * appended in the same script when the history is on, and tells `onEnded`.
   */
  async #storeFailure(job: Job, output: TaskOutput, ended: () => EndedRun): Promise<void> {
    const record = this.#recordOf(ended);
    const stored = this.#history ? record : null;
    await storeFailedOutput(this.#connection, this.#refOf(job.queueName), job, output, stored);
    this.#tell(record);
  }

  /** The ended run's record, made only when the history or `onEnded` wants it. */
  #recordOf(ended: () => EndedRun): ExecutionRecord | null {
    return this.#history || this.#onEnded ? recordOf(ended()) : null;
  }

  /** Tells `onEnded` of a stored record; what it throws is not the job's failure. */
  #tell(record: ExecutionRecord | null): void {
    if (!record || !this.#onEnded) return;
    try {
      this.#onEnded(record);
    } catch {
      // A line not printed must not fail or retry the execution it is about.
    }
  }

  /** What the history record of a run that ended with `result` is made from. */
  #endedRun(run: JobRun, result: ExecutionResult): EndedRun {
    return {
      job: run.job,
      meta: run.meta,
      task: run.task,
      output: result.output,
      result,
      cancelled: false,
      startedAt: run.firstAttemptAt,
    };
  }

  #refOf(queueName: string): QueueRef {
    return { prefix: this.#prefix, queueName };
  }
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
