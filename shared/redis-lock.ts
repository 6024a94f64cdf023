import type { RedisClient } from './redis-connection.js';

/** Deletes the key only while it still holds the owner's token. */
const RELEASE_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

/**
 * Takes the lock `key` for `owner` (a token of its own) for at most `holdMs`
 * (`SET NX PX`): true when it was free. A holder that dies frees it when
 * `holdMs` is over.
 */
export async function takeLock(
  redis: RedisClient,
  key: string,
  owner: string,
  holdMs: number,
): Promise<boolean> {
  return (await redis.set(key, owner, 'PX', holdMs, 'NX')) === 'OK';
}

/**
 * Releases the lock `key` only while it is still `owner`'s (it may have
 * expired and been taken by another). Never throws: a lock that cannot be
 * released expires.
 */
export async function releaseLock(redis: RedisClient, key: string, owner: string): Promise<void> {
  await redis.eval(RELEASE_SCRIPT, 1, key, owner).catch(() => undefined);
}
