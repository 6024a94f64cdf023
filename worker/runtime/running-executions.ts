import { WaitingError } from 'bullmq';
import { AbortFlag } from '../executor/transport/abort-flag.js';
import type { ExecutionOutcome } from './execution-outcome.js';

/** One job's execution in this worker process. */
export interface RunningExecution {
  readonly jobId: string;
  /** The job's lock token for this execution (absent when BullMQ gave none). */
  readonly token: string | undefined;
  /** Aborts this execution's request: its lock was lost, the grace period ran out, or it was cancelled. */
  readonly signal: Pick<
    AbortFlag,
    'aborted' | 'reason' | 'addEventListener' | 'removeEventListener'
  >;
  /** Who cancelled it, once someone did (`cancel`). */
  readonly cancelledBy: string | undefined;
  /** True once the worker lost the job's lock: the job is no longer this execution's to finish. */
  readonly lockLost: boolean;
  /** When this worker started running it (epoch ms): what a stopping worker waits for, since when. */
  readonly since: number;
}

/** Told of each execution that ended (see `RunningExecutions.onEnd`). */
export type EndListener = (execution: RunningExecution, outcome: ExecutionOutcome) => void;

/** One execution as registered (a class: one per job, its fields in one shape). */
class Entry implements RunningExecution {
  /** Its own abort signal, an AbortFlag: an AbortController per job is dear (docs/performance.md). */
  readonly signal = new AbortFlag();
  lockLost = false;
  cancelledBy: string | undefined = undefined;
  readonly since = Date.now();

  constructor(
    readonly jobId: string,
    readonly token: string | undefined,
  ) {}
}

/**
 * The executions this worker runs now, each with an abort signal of its own.
 * One signal per job (not one shared by all) lets the worker abort exactly
 * the execution whose lock it lost, and keeps a shared signal from collecting
 * a listener per request in flight.
 */
export class RunningExecutions {
  readonly #byJob = new Map<string, Entry>();
  readonly #endListeners = new Set<EndListener>();
  #closed = false;

  /** Jobs running now. */
  get size(): number {
    return this.#byJob.size;
  }

  /** The ids of the jobs running now. */
  jobIds(): string[] {
    return [...this.#byJob.keys()];
  }

  /** The executions running now. */
  list(): RunningExecution[] {
    return [...this.#byJob.values()];
  }

  /**
   * Tells `listener` of every execution that ends from now on (finished, or
   * its lock lost), with how; returns what stops telling it.
   */
  onEnd(listener: EndListener): () => void {
    this.#endListeners.add(listener);
    return () => this.#endListeners.delete(listener);
  }

  /** The execution of `jobId` running now, if any. */
  get(jobId: string): RunningExecution | undefined {
    return this.#byJob.get(jobId);
  }

  /** Registers the execution of `jobId` under its lock `token`; end it with `finish`. */
  start(jobId: string, token: string | undefined): RunningExecution {
    // The job came back to this worker while an earlier execution of it still
    // runs: the stalled check took it from that one, whose lock is gone.
    const earlier = this.#byJob.get(jobId);
    if (earlier) this.#abortLost(earlier);
    const entry = new Entry(jobId, token);
    this.#byJob.set(jobId, entry);
    if (this.#closed) entry.signal.abort(new Error('grace period over'));
    return entry;
  }

  /**
   * Cancels the execution of `jobId` running now: aborts it, `by` naming who
   * asked. False when this process runs none.
   *
   * Not BullMQ's `worker.cancelJob`: that needs a processor taking BullMQ's
   * abort signal, an AbortController per job (dear: docs/performance.md),
   * for what this registry of executions does anyway.
   */
  cancel(jobId: string, by: string): boolean {
    const entry = this.#byJob.get(jobId);
    if (!entry) return false;
    entry.cancelledBy ??= by;
    entry.signal.abort(by);
    return true;
  }

  /**
   * Forgets a finished execution (a later one of the same job stays
   * registered); `outcome` is how it ended, for whoever listens (`onEnd`).
   */
  finish(execution: RunningExecution, outcome: ExecutionOutcome = 'completed'): void {
    if (this.#byJob.get(execution.jobId) !== execution) return;
    this.#byJob.delete(execution.jobId);
    this.#ended(execution, outcome);
  }

  /**
   * Aborts `execution`, whose lock this worker lost. False when it is no
   * longer running (finished, or already aborted so).
   */
  loseLock(execution: RunningExecution): boolean {
    const entry = this.#byJob.get(execution.jobId);
    if (entry !== execution) return false;
    this.#abortLost(entry);
    return true;
  }

  /** Aborts every execution, and any started from now on (the grace period is over). */
  abortAll(): void {
    this.#closed = true;
    for (const entry of this.#byJob.values()) entry.signal.abort(new Error('grace period over'));
  }

  #abortLost(entry: Entry): void {
    entry.lockLost = true;
    entry.signal.abort(new Error('lock lost'));
    this.#byJob.delete(entry.jobId);
    this.#ended(entry, 'left');
  }

  #ended(execution: RunningExecution, outcome: ExecutionOutcome): void {
    for (const listener of this.#endListeners) listener(execution, outcome);
  }
}

/**
 * Ends the processor of an execution whose lock was lost without touching
 * the job: the WaitingError tells BullMQ neither to complete nor to fail it
 * (it is someone else's now, or the stalled check's), and nothing is written.
 */
export function leaveJob(): never {
  throw new WaitingError();
}
