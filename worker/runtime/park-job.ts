import { DelayedError, type Job } from 'bullmq';
import { withParkedExecution } from '../../shared/job-envelope.js';
import type { ParkResult } from '../executor/executor.js';

/**
 * Parks an active job whose execution waits for a retry: its state goes into
 * the job's data, and the job leaves the worker slot. Throws the error that
 * tells BullMQ the job was moved, not failed (no BullMQ attempt is used): the
 * job becomes delayed until the retry (or the end of a hold) is due
 * (`moveToDelayed` + DelayedError, BullMQ's "manually delaying a job").
 */
export async function parkJob(
  job: Job,
  token: string | undefined,
  result: ParkResult,
): Promise<never> {
  // Stored first: a worker that dies before the move leaves an active job
  // the stalled check brings back, and its next worker finds the state.
  await job.updateData(withParkedExecution(job.data, result.parked));
  await job.moveToDelayed(result.parked.dueAt, token);
  throw new DelayedError();
}
