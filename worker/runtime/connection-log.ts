import { coerceError } from '../../shared/errors/coerce-error.js';
import type { Logger } from '../../shared/logger.js';
import type { RedisClient } from '../../shared/redis-connection.js';

/** At most one error line per this many milliseconds while Redis stays away. */
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * Gives a Redis connection its `error` listener (without one, ioredis' error
 * events would crash the process) and logs its outages: the first error, one
 * line every 10 s while it lasts, and the reconnect that ends it.
 */
export function logConnectionEvents(client: RedisClient, logger: Logger): void {
  let lastLogged = 0;
  let down = false;
  client.on('error', (error: unknown) => {
    const now = Date.now();
    if (!down || now - lastLogged >= ERROR_LOG_INTERVAL_MS) {
      logger.warn('Redis connection error; reconnecting', { error: coerceError(error).message });
      lastLogged = now;
    }
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.info('Redis connection ready again');
    down = false;
  });
}
