import { DelayedError, RateLimitError, WaitingError } from 'bullmq';

/**
 * How a job's run in this worker ended, as a stopping worker reports it:
 * `completed` or `failed` (BullMQ settled it), `parked` (delayed for its
 * next retry), `handed back` (cut off by the end of the grace period, waiting
 * again for another worker), or `left` (its lock was lost: someone else's now).
 */
export type ExecutionOutcome = 'completed' | 'failed' | 'parked' | 'handed back' | 'left';

/**
 * The outcome of a processor that returned (`thrown` undefined) or threw
 * `thrown`: the errors that tell BullMQ a job was moved rather than failed
 * tell which move it was.
 */
export function outcomeOf(thrown: unknown, lockLost: boolean): ExecutionOutcome {
  if (thrown === undefined) return 'completed';
  if (thrown instanceof WaitingError) return lockLost ? 'left' : 'handed back';
  if (thrown instanceof DelayedError || thrown instanceof RateLimitError) return 'parked';
  return 'failed';
}
