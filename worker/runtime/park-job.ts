import { DelayedError, Worker, type Job, type Queue } from 'bullmq';
import { withParkedExecution } from '../../shared/job-envelope.js';
import type { ParkResult } from '../executor/executor.js';

/**
 * Parks an active job whose execution waits for a retry: its state goes into
 * the job's data, and the job leaves the worker slot. Throws the error that
 * tells BullMQ the job was moved, not failed (no BullMQ attempt is used):
 *
 * - normally the job becomes delayed until the retry is due
 *   (`moveToDelayed` + DelayedError, BullMQ's "manually delaying a job");
 * - with `holdQueueMs` (a 429 with Retry-After on a rate-limited queue) the
 *   whole queue is held back for that time and the job goes back to waiting
 *   (`queue.rateLimit` + RateLimitError, BullMQ's manual rate limit), so that no
 *   worker sends any of the queue's tasks to the peer meanwhile.
 */
export async function parkJob(
  job: Job,
  token: string | undefined,
  result: ParkResult,
  queue: Pick<Queue, 'rateLimit'>,
): Promise<never> {
  // Stored first: a worker that dies before the move leaves an active job
  // the stalled check brings back, and its next worker finds the state.
  await job.updateData(withParkedExecution(job.data, result.parked));
  if (result.holdQueueMs !== undefined) {
    await queue.rateLimit(result.holdQueueMs);
    throw Worker.RateLimitError();
  }
  await job.moveToDelayed(result.parked.dueAt, token);
  throw new DelayedError();
}
