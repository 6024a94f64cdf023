import { coerceError } from '../../shared/errors/coerce-error.js';
import type { Logger } from '../../shared/logger.js';

/** The same message is logged at most once per this many milliseconds. */
export const REPEAT_INTERVAL_MS = 10_000;

/** Beyond this many remembered messages, those older than the interval are forgotten. */
const MAX_REMEMBERED = 100;

/**
 * The listener for BullMQ's worker 'error' events: one "worker error" line
 * per message, then at most one per interval while it repeats, saying how
 * many were left out. While Redis is away each reconnect attempt fails on
 * both of BullMQ's connections, and both failures reach this event: unthrottled
 * that is two identical lines every few hundred milliseconds.
 */
export function workerErrorLog(
  logger: Logger,
  now: () => number = Date.now,
): (error: unknown) => void {
  const seen = new Map<string, { at: number; repeats: number }>();
  return (error) => {
    const message = coerceError(error).message;
    const at = now();
    const last = seen.get(message);
    if (last && at - last.at < REPEAT_INTERVAL_MS) {
      last.repeats += 1;
      return;
    }
    logger.error('worker error', {
      error: message,
      ...(last?.repeats ? { repeated: last.repeats } : {}),
    });
    seen.set(message, { at, repeats: 0 });
    if (seen.size > MAX_REMEMBERED) {
      for (const [known, entry] of seen) {
        if (at - entry.at >= REPEAT_INTERVAL_MS) seen.delete(known);
      }
    }
  };
}
