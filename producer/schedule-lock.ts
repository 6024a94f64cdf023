import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../shared/errors/error-codes.js';
import { TaskrestError } from '../shared/errors/taskrest-error.js';
import { keyTag } from '../shared/queue-keys.js';
import type { RedisClient } from '../shared/redis-connection.js';
import { releaseLock, takeLock } from '../shared/redis-lock.js';

/**
 * How long a change of one schedule may hold its id. A change is a few
 * commands; only a producer that died while holding it makes the next
 * change wait, and never longer than this.
 */
const HOLD_MS = 10_000;
/** How long a change waits for the id before it gives up: a holder that died, and then some. */
const WAIT_MS = 3 * HOLD_MS;
/** Pauses between two tries to take a held id, each picked at random up to this. */
const RETRY_MS = 25;

/**
 * The Redis key that holds schedule `id` while one change of it runs, in a
 * hash tag of its own under TASKREST_PREFIX (as the queue registry's).
 */
export function scheduleLockKey(prefix: string, id: string): string {
  return `${keyTag(prefix, 'schedules')}:schedule-lock:${id}`;
}

/**
 * Runs `change` while holding schedule `id`: every producer (every API
 * process) that sets or removes the same id takes turns, so that a
 * schedule's id is unique across queues however the writes interleave.
 * A schedule lives in its queue's keys (one cluster slot per queue), so a
 * move from one queue to another cannot be one Redis script; the lock makes
 * the remove-there-and-add-here one step for every other change of that id.
 * The lock is `SET NX PX` with a token of its own, released only by its holder.
 */
export async function withScheduleLock<T>(
  redis: RedisClient,
  prefix: string,
  id: string,
  change: () => Promise<T>,
): Promise<T> {
  const key = scheduleLockKey(prefix, id);
  const token = randomUUID();
  const deadline = Date.now() + WAIT_MS;
  while (!(await takeLock(redis, key, token, HOLD_MS))) {
    if (Date.now() > deadline) {
      throw new TaskrestError(
        ErrorCode.INTERNAL,
        `schedule ${id}: another change of it did not end within ${WAIT_MS} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * RETRY_MS));
  }
  try {
    return await change();
  } finally {
    await releaseLock(redis, key, token);
  }
}
