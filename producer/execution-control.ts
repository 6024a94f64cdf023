import { Job, type Queue } from 'bullmq';
import { AlreadyFinishedError } from '../shared/errors/already-finished-error.js';
import { ExecutionNotFoundError } from '../shared/errors/execution-not-found-error.js';
import { NotFailedError } from '../shared/errors/not-failed-error.js';
import { cancelChannelOf, encodeCancel } from '../shared/cancel-channel.js';
import { ExecutionState } from '../shared/execution.js';
import { withCancelMark } from '../shared/job-envelope.js';
import { executionIdOf } from '../shared/output.js';
import type { CancelOptions, QueueOption, RetryFailedOptions } from './execution-options.js';
import { removeExecution } from './execution-removal.js';
import type { ProducerContext } from './producer-context.js';
import { claimReplay, type ReplayClaim } from './replay-claim.js';

/** How long `cancel` waits for the worker to end a running execution. */
const CANCEL_WAIT_MS = 5000;

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
 * what failed, once its failure is claimed (replay-claim.ts); for what runs,
 * a message on a pub/sub channel every worker process follows, and the
 * process running the execution aborts it.
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
   * state gone (the job's log keeps the earlier run's lines). The failure it
   * runs again is the one read first: when replays of one failure race,
   * one runs it and the others throw NotFailedError (`replayed`). Throws
   * ExecutionNotFoundError, or NotFailedError when it is not failed.
   */
  async retry(executionId: number | string, { queue: name }: QueueOption = {}): Promise<Retried> {
    const queue = this.#context.queueOf(name);
    const id = String(executionId);
    return this.#context.withRedis(async () => {
      // The job first: its failure (finishedOn) is the one this replay means.
      const job = await Job.fromId(queue, id);
      if (!job) throw new ExecutionNotFoundError(id, queue.name);
      const claim = await this.#replay(queue, job);
      const state = await queue.getJobState(id);
      if (claim === 'taken') return { executionId: executionIdOf(id), queue: queue.name, state };
      if (state === ExecutionState.UNKNOWN) throw new ExecutionNotFoundError(id, queue.name);
      // Failed again, or about to run: another replay of the same failure was first.
      const replayed = claim === 'taken-by-other' || state === ExecutionState.FAILED;
      throw new NotFailedError(id, state, { replayed });
    });
  }

  /**
   * Runs every failed execution of the queue that failed at or after
   * `since` (all without it) again, as `retry` does; resolves with how many.
   *
   * Not BullMQ's `queue.retryJobs`: its `timestamp` takes the jobs that
   * finished *before* it (the opposite of `since`), it puts prioritized
   * jobs back without their priority, and it cannot clear what taskrest
   * keeps on a job (the failed output, a parked execution). The failed set
   * is read once, newest first, each execution with the time it failed (its
   * score): those failures are what this call replays. Each is claimed and
   * replayed with `job.retry`; one that another replay claimed first, or
   * that ran again meanwhile, is left to it and not counted.
   */
  async retryFailed({ queue: name, since }: RetryFailedOptions = {}): Promise<RetriedCount> {
    const queue = this.#context.queueOf(name);
    const from = since === undefined ? '-inf' : String(new Date(since).getTime());
    return this.#context.withRedis(async () => {
      const failed = await this.#context.connection.zrevrangebyscore(
        queue.keys.failed!,
        '+inf',
        from,
        'WITHSCORES',
      );
      let count = 0;
      for (let i = 0; i < failed.length; i += 2) {
        const job = await Job.fromId(queue, failed[i]!);
        if (job && (await this.#replay(queue, job, Number(failed[i + 1]))) === 'taken') count++;
      }
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

  /**
   * Claims the job's failure at `failedAt` (which clears what the last run
   * left), then `job.retry`: `taken` when it runs again because of this call.
   */
  async #replay(queue: Queue, job: Job, failedAt = job.finishedOn): Promise<ReplayClaim> {
    const claim = await claimReplay(this.#context, queue, job, failedAt);
    if (claim !== 'taken') return claim;
    try {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    } catch (error) {
      // Removed meanwhile, or run again by a replay that claims nothing (the dashboard's).
      if ((await queue.getJobState(job.id ?? '')) !== ExecutionState.FAILED) return 'changed';
      throw error;
    }
    await job.log(`${new Date().toISOString()} run again (replay): a fresh execution follows`);
    return 'taken';
  }
}
