import { Queue } from 'bullmq';
import type { Config } from '../../shared/config.js';
import { bullPrefixOf } from '../../shared/queue-keys.js';
import { createRedis, waitForRedis, type RedisClient } from '../../shared/redis-connection.js';

/**
 * A BullMQ Queue on a test's queue, for looking inside it (counts, job
 * states, logs), which the producer's public API does not offer. Its
 * connection is a producer's (fail-fast), as the producer's own queue was;
 * `close()` closes that too.
 */
export class TestQueue extends Queue {
  readonly #connection: RedisClient;

  constructor(config: Config, queueName = config.queueName) {
    const connection = createRedis(config, 'producer');
    connection.on('error', () => undefined);
    super(queueName, { connection, prefix: bullPrefixOf({ prefix: config.prefix, queueName }) });
    this.#connection = connection;
    this.on('error', () => undefined);
  }

  /**
   * Resolves once its connection is ready again after Redis restarted: it
   * fails fast, so a read while it still reconnects would fail (as the
   * producer's would, which waits the same way before each command).
   */
  async reconnected(timeoutMs = 10_000): Promise<void> {
    await waitForRedis(this.#connection, timeoutMs);
  }

  override async close(): Promise<void> {
    await super.close();
    await this.#connection.quit().catch(() => this.#connection.disconnect());
  }
}
