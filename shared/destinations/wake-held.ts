import { setTimeout as sleep } from 'node:timers/promises';
import { Job, type Queue } from 'bullmq';
import { parseHolder } from './gate-keys.js';

/** How often a holder whose job is not delayed yet is looked at again, and how long apart. */
const TRIES = 3;
const TRY_APART_MS = 100;

/**
 * Wakes held executions: promotes the delayed job of each holder
 * (`<queue>\n<execution id>`) so that it runs now rather than when its hold
 * would have ended. A worker parks a held execution as a delayed job just
 * after the gate answered, so a job not delayed yet may be about to be:
 * it is looked at again a few times. A job gone, finished or running is
 * left alone. Never throws: a wake-up missed only means the execution
 * waits until its hold ends, as it would have without one.
 */
export async function wakeHeld(
  queueOf: (queueName: string) => Queue,
  holders: readonly string[],
): Promise<void> {
  await Promise.all(holders.map((holder) => wakeOne(queueOf, holder)));
}

async function wakeOne(queueOf: (queueName: string) => Queue, holder: string): Promise<void> {
  const parsed = parseHolder(holder);
  if (!parsed) return;
  try {
    const queue = queueOf(parsed.queue);
    for (let tryNo = 1; tryNo <= TRIES; tryNo++) {
      const job = await Job.fromId(queue, parsed.executionId);
      if (!job) return;
      if (await job.isDelayed()) {
        await job.promote();
        return;
      }
      if (tryNo < TRIES) await sleep(TRY_APART_MS);
    }
  } catch {
    // A queue name that is none, a job promoted meanwhile, Redis gone: the hold ends by itself.
  }
}
