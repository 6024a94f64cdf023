import type { Config } from '../../shared/config.js';
import { coerceError } from '../../shared/errors/coerce-error.js';
import { queueRegistry } from '../../shared/queue-registry.js';
import type { RedisClient } from '../../shared/redis-connection.js';

/** How often a worker without TASKREST_QUEUES reads the registry: new queues are consumed within this. */
export const QUEUE_POLL_MS = 2000;

/** A running watch of the consumed queues. */
export interface QueueWatch {
  /** Stops watching at once; a read still in flight changes nothing. */
  stop(): Promise<void>;
}

export interface QueueWatchOptions {
  readonly pollMs?: number;
  /** Told the queues each time they change (and the first time). */
  readonly onChange?: (names: readonly string[]) => void;
  /** Told when the registry could not be read (the last known queues stay). */
  readonly onError?: (error: Error) => void;
}

/**
 * Tells `apply` which queues to consume: TASKREST_QUEUES when set (once),
 * else the registry plus the default queue, read again every `pollMs` so
 * that queues created while the worker runs are found (and removed ones let
 * go). Polling a set every few seconds costs Redis nothing worth counting.
 */
export function watchQueues(
  redis: RedisClient,
  config: Pick<Config, 'prefix' | 'queueName' | 'queues'>,
  apply: (names: readonly string[]) => Promise<void>,
  options: QueueWatchOptions = {},
): QueueWatch {
  const report = (error: unknown) => options.onError?.(coerceError(error));
  let current = '';
  let stopped = false;
  const update = async (names: readonly string[]) => {
    const key = names.join(',');
    if (key === current || stopped) return;
    current = key;
    await apply(names);
    options.onChange?.(names);
  };
  if (config.queues.length > 0) {
    const fixed = update([...new Set(config.queues)]).catch(report);
    return {
      async stop() {
        stopped = true;
        await fixed;
      },
    };
  }
  const read = async () => {
    try {
      const names = new Set(await queueRegistry.list(redis, config.prefix));
      names.add(config.queueName);
      await update([...names].sort());
    } catch (error) {
      report(error);
    }
  };
  // The default queue at once, without waiting for Redis: the worker is consuming from the start.
  let running = update([config.queueName]).catch(report).then(read);
  const timer = setInterval(() => {
    running = running.then(read);
  }, options.pollMs ?? QUEUE_POLL_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      stopped = true;
      // A read in flight is not awaited: with Redis gone it would hold up the
      // worker's stop (and its grace period) for as long as Redis stays away;
      // once stopped, whatever it reads is dropped, and the group ignores
      // changes while it closes.
      running.catch(() => undefined);
      return Promise.resolve();
    },
  };
}
