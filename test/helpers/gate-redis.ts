import { Redis } from 'ioredis';
import type { Config } from '../../shared/config.js';
import { gateIndexKeys, gateTag } from '../../shared/destinations/gate-keys.js';

/**
 * A plain connection to a test's Redis for writing the gate's state the way
 * the workers' gate does, and for looking at what the API stored.
 */
export class GateRedis extends Redis {
  readonly #prefix: string;

  constructor(config: Config) {
    super(config.redisUrl);
    this.#prefix = config.prefix;
  }

  /** Every key of the destinations' gate under the test's prefix (the queues' keys left out). */
  async gateKeys(): Promise<string[]> {
    const tag = gateTag(this.#prefix);
    const keys = await Promise.all(
      ['dest', 'flow', 'destinations', 'flow-keys'].map((start) => this.keys(`${tag}:${start}*`)),
    );
    return keys.flat().sort();
  }

  /**
   * Subscribes to the gate's changes channel (on a connection of its own)
   * and resolves with the first message `accept` takes, once subscribed.
   */
  async nextChange(accept: (message: string) => boolean): Promise<() => Promise<string>> {
    const subscriber = this.duplicate();
    const channel = gateIndexKeys(this.#prefix).changes;
    const message = new Promise<string>((resolve) => {
      subscriber.on('message', (_channel: string, text: string) => {
        if (accept(text)) resolve(text);
      });
    });
    await subscriber.subscribe(channel);
    return async () => {
      try {
        return await message;
      } finally {
        subscriber.disconnect();
      }
    };
  }
}
