import type { QueueInfo } from '../../shared/queue-settings.js';

/** The executions waiting their turn: the wait list and the prioritized ones. */
export function waitingOf(queue: QueueInfo): number {
  return (queue.counts.waiting ?? 0) + (queue.counts.prioritized ?? 0);
}

/** A queue's rate limit for people (`5 per 1 s`), or `none`. */
export function rateLimitOf(queue: QueueInfo): string {
  const rate = queue.rate_limit;
  return rate ? `${rate.max} per ${rate.per_seconds} s` : 'none';
}
