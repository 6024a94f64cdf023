import { Job, type Queue } from 'bullmq';
import { AlreadyFinishedError } from '../shared/errors/already-finished-error.js';
import { ExecutionNotFoundError } from '../shared/errors/execution-not-found-error.js';
import { NotFailedError } from '../shared/errors/not-failed-error.js';
import { cancelChannelOf, encodeCancel } from '../shared/cancel-channel.js';
import { ExecutionState } from '../shared/execution.js';
import { forReplay, withCancelMark } from '../shared/job-envelope.js';
import { executionIdOf } from '../shared/output.js';
import { OUTPUT_FIELD } from '../shared/task-queue.js';
import type { CancelOptions, QueueOption, RetryFailedOptions } from './execution-options.js';
import { removeExecution } from './execution-removal.js';
import type { ProducerContext } from './producer-context.js';

/** How long `cancel` waits for the worker to end a running execution. */
const CANCEL_WAIT_MS = 5000;
/** Failed executions read per round trip by `retryFailed`. */
const FAILED_PAGE = 500;

/** What `cancel` did: the execution's state after it (`removed` when it had not started). */
export interface Cancelled {
  executionId: number | string;
  queue: string;
  /**
   * `failed`: it was running and ended with message `cancelled`; `removed`:
   * it had not run yet (waiting, delayed, prioritized, or parked for a
   * retry) and is gone; `completed`: it finished before the cancel reached
   * it; `active`: no worker ended it within 5 s (its worker died): the
   * worker that takes it up again ends it, without sending anything.
   */
  state: 'failed' | 'removed' | 'completed' | 'active';
}

/** What `retry` did: the execution runs again, in the state it has just after the replay. */
export interface Retried {
  executionId: number | string;
  queue: string;
  state: ExecutionState;
}

/** What `retryFailed` did: how many failed executions run again. */
export interface RetriedCount {
  count: number;
}

/**
 * What `remove` did: `removed`; `active` when the execution runs now and was
 * kept; `unknown` when there is no such execution.
 */
export type Removed = 'removed' | 'active' | 'unknown';

/**
 * Cancelling, replaying and removing executions, on BullMQ's primitives
 * where it has them: `remove` for what has not started (a callback without
 * the execution it reports on, see execution-removal.ts), `job.retry` for
 * what failed; for what runs, a message on a pub/sub channel every worker
 * process follows, and the process running the execution aborts it.
 */
export class ExecutionControl {
  readonly #context: ProducerContext;

  constructor(context: ProducerContext) {
    this.#context = context;
  }

  /**
   * Cancels an execution: a running one is aborted where it runs and ends
   * failed (`cancelled`, its log naming `by`); one that has not started is
   * removed. Throws ExecutionNotFoundError, or AlreadyFinishedError for a
   * finished one.
   */
  async cancel(
    executionId: number | string,
    { queue: name, by = 'library' }: CancelOptions = {},
  ): Promise<Cancelled> {
    const queue = this.#context.queueOf(name);
    const id = String(executionId);
    return this.#context.withRedis(async () => {
      const done = (state: Cancelled['state']): Cancelled => ({
        executionId: executionIdOf(id),
        queue: queue.name,
        state,
      });
      const state = await queue.getJobState(id);
      if (state === ExecutionState.UNKNOWN) throw new ExecutionNotFoundError(id, queue.name);
      if (state === ExecutionState.COMPLETED || state === ExecutionState.FAILED) {
        throw new AlreadyFinishedError(id, state);
      }
      // BullMQ refuses to remove a locked job: one that started meanwhile.
      if (state !== ExecutionState.ACTIVE && (await removeExecution(this.#context, queue, id))) {
        return done('removed');
      }
      await this.#cancelRunning(queue, id, by);
      return done(await this.#settled(queue, id));
    });
  }

  /**
   * Marks the job (a worker that takes it up again, its first one having
   * died, ends it at once), then tells every worker process: the one
   * running it aborts it.
   */
  async #cancelRunning(queue: Queue, id: string, by: string): Promise<void> {
    const job = await Job.fromId(queue, id);
    if (job) await job.updateData(withCancelMark(job.data, { by, at: Date.now() }));
    const channel = cancelChannelOf(this.#context.refOf(queue.name));
    await this.#context.connection.publish(channel, encodeCancel({ id, by }));
  }

  /**
   * Waits for the cancelled execution to end. One that left the worker slot
   * meanwhile (parked for a retry, or back to waiting from a dead worker)
   * is removed.
   */
  async #settled(queue: Queue, id: string): Promise<Cancelled['state']> {
    const deadline = Date.now() + CANCEL_WAIT_MS;
    for (;;) {
      const state = await queue.getJobState(id);
      if (state === ExecutionState.FAILED || state === ExecutionState.COMPLETED) return state;
      if (state === ExecutionState.UNKNOWN) return 'removed';
      if (state !== ExecutionState.ACTIVE && (await removeExecution(this.#context, queue, id))) {
        return 'removed';
      }
      if (Date.now() > deadline) return 'active';
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * Runs a failed execution again under the same id, from the start: a new
   * deadline, attempts counted from 1, its earlier output and any parked
   * state gone (the job's log keeps the earlier run's lines). Throws
   * ExecutionNotFoundError, or NotFailedError when it is not failed.
   */
  async retry(executionId: number | string, { queue: name }: QueueOption = {}): Promise<Retried> {
    const queue = this.#context.queueOf(name);
    const id = String(executionId);
    return this.#context.withRedis(async () => {
      const state = await queue.getJobState(id);
      if (state === ExecutionState.UNKNOWN) throw new ExecutionNotFoundError(id, queue.name);
      if (state !== ExecutionState.FAILED) throw new NotFailedError(id, state);
      const job = await Job.fromId(queue, id);
      if (!job) throw new ExecutionNotFoundError(id, queue.name);
      if (!(await this.#replay(queue, job))) {
        throw new NotFailedError(id, await queue.getJobState(id));
      }
      return {
        executionId: executionIdOf(id),
        queue: queue.name,
        state: await queue.getJobState(id),
      };
    });
  }

  /**
   * Runs every failed execution of the queue that failed at or after
   * `since` (all without it) again, as `retry` does; resolves with how many.
   *
   * Not BullMQ's `queue.retryJobs`: its `timestamp` takes the jobs that
   * finished *before* it (the opposite of `since`), it puts prioritized
   * jobs back without their priority, and it cannot clear what taskrest
   * keeps on a job (the failed output, a parked execution). The failed
   * executions are read newest first, in pages, up to the first older
   * than `since`, then each is replayed with `job.retry`.
   */
  async retryFailed({ queue: name, since }: RetryFailedOptions = {}): Promise<RetriedCount> {
    const queue = this.#context.queueOf(name);
    const from = since === undefined ? 0 : new Date(since).getTime();
    return this.#context.withRedis(async () => {
      const jobs: Job[] = [];
      for (let start = 0; ; start += FAILED_PAGE) {
        const page = (await queue.getFailed(start, start + FAILED_PAGE - 1)).filter(Boolean);
        const recent = page.filter((job) => (job.finishedOn ?? 0) >= from);
        jobs.push(...recent);
        if (page.length < FAILED_PAGE || recent.length < page.length) break;
      }
      let count = 0;
      for (const job of jobs) if (await this.#replay(queue, job)) count++;
      return { count };
    });
  }

  /**
   * Removes an execution that is not running (waiting, delayed, prioritized,
   * or finished, with its output). `active` when it runs now and was kept,
   * `unknown` when there is no such execution. A callback is removed alone
   * (the execution it reports on stays); a schedule's pending execution
   * throws ScheduledExecutionError.
   */
  async remove(executionId: number | string, { queue: name }: QueueOption = {}): Promise<Removed> {
    const queue = this.#context.queueOf(name);
    return this.#context.withRedis(async () => {
      // BullMQ's remove answers 1 for an unknown id too, so the state is asked first.
      if ((await queue.getJobState(String(executionId))) === ExecutionState.UNKNOWN)
        return 'unknown';
      // It refuses to remove a locked job: one that runs now.
      return (await removeExecution(this.#context, queue, String(executionId)))
        ? 'removed'
        : 'active';
    });
  }

  /** Clears what the last run left, then `job.retry`; false when the job is no longer failed. */
  async #replay(queue: Queue, job: Job): Promise<boolean> {
    const key = this.#context.jobKeyOf(queue.name, job.id ?? '');
    await this.#context.connection.hdel(key, OUTPUT_FIELD);
    await job.updateData(forReplay(job.data));
    try {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    } catch (error) {
      // Someone else replayed or removed it meanwhile: not an error of this replay.
      if ((await queue.getJobState(job.id ?? '')) !== ExecutionState.FAILED) return false;
      throw error;
    }
    await job.log(`${new Date().toISOString()} run again (replay): a fresh execution follows`);
    return true;
  }
}
