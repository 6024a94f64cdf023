import type { GateSubject } from '../shared/destinations/gate-keys.js';
import { isKnown } from '../shared/destinations/destination-state.js';
import { applyGateChange, type GateChange } from '../shared/destinations/gate-settings-writer.js';
import { wakeHeld } from '../shared/destinations/wake-held.js';
import type { RedisClient } from '../shared/redis-connection.js';
import type { ProducerContext } from './producer-context.js';

/** Reads one destination's or flow key's state. */
type Reader<T> = (connection: RedisClient, prefix: string, name: string) => Promise<T>;

/**
 * What the destinations' and the flow keys' admin share: reading one that
 * must be known, and applying a change, then waking the executions it
 * releases, then reading the result back.
 */
export class GateSubjects<T> {
  readonly #context: ProducerContext;
  readonly #subject: GateSubject;
  readonly #read: Reader<T>;

  constructor(context: ProducerContext, subject: GateSubject, read: Reader<T>) {
    this.#context = context;
    this.#subject = subject;
    this.#read = read;
  }

  /** `name`'s state; `notFound` thrown when it was not seen in 24 h and has no settings. */
  get(name: string, notFound: () => Error): Promise<T> {
    const { connection, prefix } = this.#context;
    return this.#context.withRedis(async () => {
      if (!(await isKnown(connection, prefix, this.#subject, name))) throw notFound();
      return this.#read(connection, prefix, name);
    });
  }

  /** Applies `change` to `name`, wakes the executions it releases, and reads it back. */
  apply(name: string, change: GateChange): Promise<T> {
    const { connection, prefix } = this.#context;
    return this.#context.withRedis(async () => {
      const released = await applyGateChange(connection, prefix, this.#subject, name, change);
      await wakeHeld((queue) => this.#context.queueOf(queue), released);
      return this.#read(connection, prefix, name);
    });
  }
}
