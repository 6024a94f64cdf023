import { Job, type Queue } from 'bullmq';
import { parseHolder } from './gate-keys.js';

/** How often a job not (yet) delayed is tried again, and how far apart. */
const TRIES_AFTER_FIRST = 3;
const TRY_AGAIN_MS = 100;

/**
 * Wakes held executions: each holder's delayed job is promoted, so that it
 * asks the gate again now rather than at its fallback time. A job may not
 * be delayed yet (held a moment ago, on its way to the delayed set): it is
 * tried a few times, then left to wake at its fallback time. Never throws:
 * a wake-up that fails only comes later.
 */
export async function wakeHeld(
  queueOf: (queueName: string) => Queue,
  holders: readonly string[],
): Promise<void> {
  await Promise.all(holders.map((holder) => wakeOne(queueOf, holder)));
}

async function wakeOne(queueOf: (queueName: string) => Queue, holder: string): Promise<void> {
  const parsed = parseHolder(holder);
  if (parsed === null) return;
  try {
    const queue = queueOf(parsed.queue);
    for (let tried = 0; tried <= TRIES_AFTER_FIRST; tried += 1) {
      if (tried > 0) await new Promise((resolve) => setTimeout(resolve, TRY_AGAIN_MS));
      const job = await Job.fromId(queue, parsed.executionId);
      // Gone (done, removed): nobody to wake.
      if (job === undefined) return;
      if (await promoted(job)) return;
    }
  } catch {
    // Redis unavailable or the queue unknown: the job wakes at its fallback time all the same.
  }
}

/** Promotes `job` if it is delayed; false when it is not (yet). */
async function promoted(job: Job): Promise<boolean> {
  if (!(await job.isDelayed())) return false;
  try {
    await job.promote();
    return true;
  } catch {
    // It left the delayed set between the look and the promotion: awake already.
    return true;
  }
}
