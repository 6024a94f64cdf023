import { WaitingError, type Job, type Worker } from 'bullmq';

/**
 * A worker's way out. `close()` stops taking jobs and waits for the running
 * ones; when the grace period ends first, `onExpired` aborts their requests
 * and the processor hands each job back to the queue (`handBack`) rather than
 * failing it, so another worker runs it from the start.
 */
export class Shutdown {
  readonly #controller = new AbortController();
  #started = false;

  /** Aborted when the grace period is over. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** True once `close` was called: the worker takes no new jobs. */
  get stopping(): boolean {
    return this.#started;
  }

  /** True once the grace period ran out: unfinished jobs go back to the queue. */
  get expired(): boolean {
    return this.#controller.signal.aborted;
  }

  /**
   * Closes `worker`, giving running jobs `graceMs` to finish. Calls
   * `onExpired` once when the grace period ends with jobs still running.
   */
  async close(
    worker: Pick<Worker, 'close'>,
    graceMs: number,
    onExpired: () => void = () => {},
  ): Promise<void> {
    this.#started = true;
    const closing = worker.close();
    const grace = setTimeout(() => {
      onExpired();
      this.#controller.abort();
    }, graceMs);
    try {
      await closing;
    } finally {
      clearTimeout(grace);
    }
  }
}

/**
 * How long a stopping worker waits, after its grace period, for the jobs it
 * cut off to be handed back and its connections closed. Enough when Redis
 * answers; when it does not, the worker stops without, and the stalled check
 * brings those jobs back.
 */
export const HAND_BACK_MS = 3000;

/**
 * True when `work` settles within `ms` (its rejection is thrown), false when
 * the time runs out first; `work` may then go on, and its late failure is ignored.
 */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = work.then(() => true);
  // Handled here: a failure after the deadline must not become an unhandled rejection.
  settled.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([settled, timeUp]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Puts an active job back in the wait list under its lock token and throws
 * the WaitingError that tells BullMQ the job was moved, not failed.
 */
export async function handBack(job: Job, token: string): Promise<never> {
  await job.moveToWait(token);
  throw new WaitingError();
}
