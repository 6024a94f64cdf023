import { cancelChannelOf, decodeCancel, type CancelMessage } from '../../shared/cancel-channel.js';
import type { RedisClient } from '../../shared/redis-connection.js';

/** Cancels for this worker process, as they come: the queue and the message. */
export type OnCancel = (queueName: string, message: CancelMessage) => void;

/**
 * One subscriber connection per worker process, on the cancel channel of
 * every queue it consumes: a cancel published anywhere reaches the process
 * that runs the execution, which aborts it (RunningExecutions.cancel; the
 * others run no such execution and do nothing).
 */
export class CancelListener {
  readonly #subscriber: RedisClient;
  readonly #prefix: string;
  /** Channel → queue name, for the queues followed now. */
  readonly #channels = new Map<string, string>();

  constructor(
    connection: RedisClient,
    prefix: string,
    onCancel: OnCancel,
    onError: (e: Error) => void,
  ) {
    this.#prefix = prefix;
    // A connection in subscriber mode can do nothing else: one of its own.
    this.#subscriber = connection.duplicate();
    this.#subscriber.on('error', onError);
    this.#subscriber.on('message', (channel: string, text: string) => {
      const queueName = this.#channels.get(channel);
      const message = decodeCancel(text);
      if (queueName !== undefined && message) onCancel(queueName, message);
    });
  }

  /** Follows exactly the cancel channels of `queueNames`. */
  async follow(queueNames: readonly string[]): Promise<void> {
    const wanted = new Map(
      queueNames.map((queueName) => [
        cancelChannelOf({ prefix: this.#prefix, queueName }),
        queueName,
      ]),
    );
    const gone = [...this.#channels.keys()].filter((channel) => !wanted.has(channel));
    const added = [...wanted.keys()].filter((channel) => !this.#channels.has(channel));
    for (const channel of gone) this.#channels.delete(channel);
    for (const channel of added) this.#channels.set(channel, wanted.get(channel)!);
    if (gone.length > 0) await this.#subscriber.unsubscribe(...gone);
    if (added.length > 0) await this.#subscriber.subscribe(...added);
  }

  /** Drops the subscriber connection at once (a stop without Redis). */
  disconnect(): void {
    this.#subscriber.disconnect();
  }

  async close(): Promise<void> {
    await this.#subscriber.quit().catch(() => this.#subscriber.disconnect());
  }
}
