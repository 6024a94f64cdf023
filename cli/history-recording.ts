import type { HistoryStore } from '../history/history-store.js';
import { openHistory, type HistoryLocation } from '../history/open-history.js';
import { Recorder } from '../history/recorder.js';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { createRedis } from '../shared/redis-connection.js';

/** A history store open and a recorder writing into it; `close` stops both. */
export interface HistoryRecording {
  readonly store: HistoryStore;
  readonly recorder: Recorder;
  /** Stops the recorder (its batch in flight written first), then closes its Redis and the store. */
  close(): Promise<void>;
}

/**
 * Opens the history at `location` (migrated) and starts a recorder into
 * it on a connection of its own that retries for ever (a worker's): the
 * wiring `taskrest api`, `taskrest dev` and `taskrest recorder` share.
 * Throws when the history cannot be opened (the message names
 * TASKREST_HISTORY_URL).
 */
export async function startHistoryRecording(
  config: Config,
  logger: Logger,
  location: HistoryLocation,
): Promise<HistoryRecording> {
  const store = await openHistory({ ...location, retentionDays: config.historyDays });
  const redis = createRedis(config, 'worker');
  redis.on('error', () => undefined);
  const recorder = new Recorder({
    redis,
    prefix: config.prefix,
    defaultQueue: config.queueName,
    sink: store,
    logger,
    historyDays: config.historyDays,
  }).start();
  return {
    store,
    recorder,
    async close() {
      await recorder.stop();
      await redis.quit().catch(() => redis.disconnect());
      await store.close();
    },
  };
}
