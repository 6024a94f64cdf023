import type { GenericAbortSignal } from 'axios';
import { ErrorCode } from '../../shared/errors/error-codes.js';
import { TaskError } from '../../shared/errors/task-error.js';
import type { Task } from '../../shared/task-schema.js';
import { onAbort } from './transport/abort-fan-out.js';
import { AbortFlag } from './transport/abort-flag.js';

/** The task's timeouts by name, as the log names them. */
const TIMEOUTS = ['connect_timeout', 'read_timeout', 'total_timeout'] as const;

/**
 * How long one execution may run in its worker slot at a stretch
 * (TASKREST_MAX_TASK_SECONDS): from the moment a worker starts it (or takes
 * it up again after a park) until it ends or parks, its attempts and the
 * retry waits slept in the worker included. Whatever the task says (no
 * timeouts at all, a retry deadline of hours with waits too short to park),
 * no execution holds a slot without end.
 *
 * Its `signal` is what the execution's requests are sent with: it follows the
 * caller's signal (a cancel, a lost lock, the end of the grace period) and
 * aborts at the limit too, which cuts the request in flight or the retry wait
 * being slept (axios-retry sends at once, on an aborted signal, which fails
 * at once). An AbortFlag, not an AbortController: it is made per execution.
 */
export class TimeLimit {
  /** The execution's requests' signal. */
  readonly signal = new AbortFlag();
  readonly #ms: number;
  readonly #timer: NodeJS.Timeout;
  readonly #stopFollowing: (() => void) | undefined;
  #reached = false;

  /** Starts counting `ms` now; `outer` is the caller's signal, followed. */
  constructor(ms: number, outer: GenericAbortSignal | undefined) {
    this.#ms = ms;
    if (outer?.aborted) this.signal.abort(reasonOf(outer));
    this.#stopFollowing =
      outer && !outer.aborted
        ? onAbort(outer, () => this.signal.abort(reasonOf(outer)))
        : undefined;
    this.#timer = setTimeout(() => {
      // Aborted by the caller first: that is the reason it ends, not the limit.
      if (this.signal.aborted) return;
      this.#reached = true;
      this.signal.abort(this.error());
    }, ms);
  }

  /** True once the limit cut the execution. */
  get reached(): boolean {
    return this.#reached;
  }

  /** The failure of an execution the limit cut. */
  error(cause?: unknown): TaskError {
    return new TaskError(
      ErrorCode.TASK_TIME_LIMIT,
      `task time limit: still running after ${seconds(this.#ms)} in the worker (TASKREST_MAX_TASK_SECONDS)`,
      cause === undefined ? undefined : { cause },
    );
  }

  /** A log line for each of the task's timeouts that is longer than the limit: the limit wins. */
  notesFor(task: Task): string[] {
    const notes: string[] = [];
    for (const name of TIMEOUTS) {
      const value = task[name];
      if (value && value * 1000 > this.#ms) {
        notes.push(
          `${name} ${value} s is above TASKREST_MAX_TASK_SECONDS (${seconds(this.#ms)}): ` +
            `the execution stops at ${seconds(this.#ms)}`,
        );
      }
    }
    return notes;
  }

  /** The execution ended (or parked): stops counting and following. */
  end(): void {
    clearTimeout(this.#timer);
    this.#stopFollowing?.();
  }
}

/** An abort signal's reason (axios' GenericAbortSignal does not name it). */
function reasonOf(signal: GenericAbortSignal): unknown {
  return (signal as { reason?: unknown }).reason;
}

/** 2000 → "2 s", 2500 → "2.5 s". */
function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
