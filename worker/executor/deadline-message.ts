/**
 * What an execution that stopped retrying at its deadline says. Retrying
 * stops as soon as the next retry would start past the deadline, which is
 * often well before the deadline itself: the message gives the time that
 * really passed and the attempts made, and says which retry would have come
 * too late, rather than "deadline reached". All times count from the first
 * attempt, as the deadline does.
 */

/** One retry that would start past `retry_backoff.deadline`. */
export interface DeadlineStop {
  /** Requests sent so far (a resumed execution's earlier ones included). */
  readonly attempts: number;
  /** The number of the retry that would come too late. */
  readonly retry: number;
  /** `retry_backoff.deadline`, in seconds as the task gives it. */
  readonly deadlineSeconds: number;
  /** Time since the first attempt started, when retrying stopped. */
  readonly elapsedMs: number;
  /** The last failure: `HTTP 503 Service Unavailable`, `error: …`. */
  readonly last: string;
}

/**
 * Stopped before a wait: `startsAtMs` is when the retry would have started,
 * counted from the first attempt.
 * "gave up retrying after 2 attempts in 1.0 s: retry 2 would start 5.0 s
 * after the first attempt, past retry_backoff.deadline (3 s); last HTTP 503
 * Service Unavailable"
 */
export function retryPastDeadline(stop: DeadlineStop & { readonly startsAtMs: number }): string {
  return (
    `${gaveUp(stop)}: retry ${stop.retry} would start ${seconds(stop.startsAtMs)} after the ` +
    `first attempt, past retry_backoff.deadline (${stop.deadlineSeconds} s); last ${stop.last}`
  );
}

/**
 * A parked execution taken up for its retry when the deadline had passed
 * (no worker took it in time): nothing is sent.
 * "gave up retrying after 3 attempts in 61.2 s: retry 3 was taken up 61.2 s
 * after the first attempt, past retry_backoff.deadline (60 s); last HTTP 503
 * Service Unavailable"
 */
export function pickupPastDeadline(stop: DeadlineStop): string {
  return (
    `${gaveUp(stop)}: retry ${stop.retry} was taken up ${seconds(stop.elapsedMs)} after the ` +
    `first attempt, past retry_backoff.deadline (${stop.deadlineSeconds} s); last ${stop.last}`
  );
}

/** "1 attempt", "3 attempts". */
export function attempts(n: number): string {
  return `${n} attempt${n === 1 ? '' : 's'}`;
}

function gaveUp({ attempts: n, elapsedMs }: DeadlineStop): string {
  return `gave up retrying after ${attempts(n)} in ${seconds(elapsedMs)}`;
}

/** 1049 → "1.0 s", as the retry lines of the log give waits. */
function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}
