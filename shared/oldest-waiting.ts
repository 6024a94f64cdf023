import { callbackIdOf, isCallbackId } from './callback.js';
import type { RedisClient } from './redis-connection.js';

/** What `callbackIdOf` puts before the execution's id. */
const CALLBACK_PREFIX = callbackIdOf('');

/** How many of a queue's prioritized jobs (those next in line) are looked at for the oldest. */
const PRIORITIZED_LOOKED_AT = 100;

/** The execution that has waited longest in a queue, and since when (epoch ms). */
export interface OldestWaiting {
  readonly executionId: string;
  readonly since: number;
}

/**
 * The execution that has waited longest in a queue (keys under `base`, see
 * `queueKeyBase`): the tail of the wait list (BullMQ pushes at the head,
 * workers take from the tail) or one of the prioritized jobs next in line;
 * undefined when none waits. BullMQ keeps no time a job entered the wait
 * list, so it is bounded from below, never guessed early: from when the job
 * was added or last started (a parked or handed-back one), plus its last
 * delay; a callback from when its execution finished (it waits for the
 * execution before it waits in the list). A paused queue's executions are
 * in the wait list too: whether that counts is the caller's to say.
 */
export async function oldestWaiting(
  redis: RedisClient,
  base: string,
): Promise<OldestWaiting | undefined> {
  const [tail, prioritized] = await Promise.all([
    redis.lindex(`${base}:wait`, -1),
    redis.zrange(`${base}:prioritized`, 0, PRIORITIZED_LOOKED_AT - 1),
  ]);
  const ids = [...(tail === null ? [] : [tail]), ...prioritized];
  let oldest: OldestWaiting | undefined;
  for (const executionId of ids) {
    const since = await waitingSince(redis, base, executionId);
    if (since !== undefined && (!oldest || since < oldest.since)) oldest = { executionId, since };
  }
  return oldest;
}

/** The earliest a job can have entered the wait list (epoch ms), or undefined when it is gone. */
async function waitingSince(
  redis: RedisClient,
  base: string,
  id: string,
): Promise<number | undefined> {
  const [timestamp, processedOn, delay] = await redis.hmget(
    `${base}:${id}`,
    'timestamp',
    'processedOn',
    'delay',
  );
  if (timestamp === null) return undefined;
  let since = Math.max(Number(timestamp) || 0, Number(processedOn) || 0) + (Number(delay) || 0);
  if (isCallbackId(id)) {
    const finishedOn = await redis.hget(
      `${base}:${id.slice(CALLBACK_PREFIX.length)}`,
      'finishedOn',
    );
    since = Math.max(since, Number(finishedOn) || 0);
  }
  return since;
}
