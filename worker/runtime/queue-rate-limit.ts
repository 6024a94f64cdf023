import type { Queue } from 'bullmq';

/**
 * Whether a queue has a rate limit (BullMQ's global rate limit, which every
 * worker of the queue obeys). Only then does holding it back with
 * `queue.rateLimit` stop other workers: BullMQ checks its limiter key only
 * for a queue with a limit.
 */
export async function queueHasRateLimit(
  queue: Pick<Queue, 'getGlobalRateLimit'>,
): Promise<boolean> {
  return (await queue.getGlobalRateLimit()) !== null;
}
