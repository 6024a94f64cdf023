import type { RedisClient } from './redis-connection.js';

/** One PING on its way: whether an answer came. */
interface Ping {
  readonly answered: Promise<boolean>;
}

export interface RedisPingOptions {
  /** Called with the time of each answer (a heartbeat). */
  readonly onAnswer?: (at: number) => void;
  readonly now?: () => number;
}

/**
 * Asks Redis whether it answers, for the health probes (the API's `/health`,
 * a worker's `/readyz`). One PING at a time: a probe while one is on its way
 * waits for that one, so a frozen Redis (connection open, no answer) does
 * not collect PINGs; and a probe gets its answer within its deadline, never
 * as late as the connection's command timeout.
 */
export class RedisPing {
  readonly #client: RedisClient;
  readonly #onAnswer: ((at: number) => void) | undefined;
  readonly #now: () => number;
  #inFlight: Ping | undefined;

  constructor(client: RedisClient, options: RedisPingOptions = {}) {
    this.#client = client;
    this.#onAnswer = options.onAnswer;
    this.#now = options.now ?? Date.now;
  }

  /** Sends a PING unless one is on its way (then that one). */
  send(): Ping {
    if (this.#inFlight) return this.#inFlight;
    const ping: Ping = {
      answered: this.#client.ping().then(
        () => {
          this.#onAnswer?.(this.#now());
          return true;
        },
        () => false,
      ),
    };
    this.#inFlight = ping;
    void ping.answered.finally(() => {
      if (this.#inFlight === ping) this.#inFlight = undefined;
    });
    return ping;
  }

  /**
   * Whether Redis answers within `ms` from now: a PING sent now, or the one
   * on its way (its answer, coming now, says as much).
   */
  async answersWithin(ms: number): Promise<boolean> {
    if (ms <= 0) return false;
    const ping = this.send();
    let timer: NodeJS.Timeout | undefined;
    const timeUp = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    try {
      return await Promise.race([ping.answered, timeUp]);
    } finally {
      clearTimeout(timer);
    }
  }
}
