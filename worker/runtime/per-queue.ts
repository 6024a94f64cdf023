/** What a `PerQueue` holds: something closed when the worker stops. */
export interface Closable {
  close(): Promise<void>;
}

/**
 * One value per queue name, made when that queue first needs it and closed
 * together: the worker consumes queues that come and go (the registry is
 * watched), and most of them never need one.
 */
export class PerQueue<T extends Closable> {
  readonly #make: (queueName: string) => T;
  readonly #byQueue = new Map<string, T>();

  /** `make` makes the value of one queue, once, on the first `get` of its name. */
  constructor(make: (queueName: string) => T) {
    this.#make = make;
  }

  /** The value of `queueName`, made now if it has none yet. */
  get(queueName: string): T {
    let value = this.#byQueue.get(queueName);
    if (!value) {
      value = this.#make(queueName);
      this.#byQueue.set(queueName, value);
    }
    return value;
  }

  /** Closes every value made so far, all at once. */
  async close(): Promise<void> {
    await Promise.all([...this.#byQueue.values()].map((value) => value.close()));
  }
}
