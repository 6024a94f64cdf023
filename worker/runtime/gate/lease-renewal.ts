import type { RenewRow } from './gate-commands.js';

/**
 * Keeps the leases (and probes) of running requests alive: every half
 * lease, one renew call for all of them. Leases expire on their own so that
 * a dead worker's slots free themselves; a request that outlives its lease
 * would otherwise let one request too many in. The timer runs only while
 * there is something to renew, and never keeps the process alive.
 */
export class LeaseRenewal {
  readonly #rows = new Map<number, readonly RenewRow[]>();
  readonly #intervalMs: number;
  readonly #renew: (rows: RenewRow[]) => void;
  #next = 0;
  #timer: NodeJS.Timeout | undefined;

  /** `renew` is called with every held row each `intervalMs` (it must not throw). */
  constructor(intervalMs: number, renew: (rows: RenewRow[]) => void) {
    this.#intervalMs = Math.max(1, intervalMs);
    this.#renew = renew;
  }

  /** Starts renewing `rows` of one request; returns the id to `remove` them by. */
  add(rows: readonly RenewRow[]): number {
    const id = this.#next++;
    this.#rows.set(id, rows);
    if (this.#timer === undefined) {
      this.#timer = setInterval(
        () => this.#renew([...this.#rows.values()].flat()),
        this.#intervalMs,
      );
      this.#timer.unref();
    }
    return id;
  }

  /** Stops renewing one request's rows (it ended). */
  remove(id: number): void {
    this.#rows.delete(id);
    if (this.#rows.size === 0) this.stop();
  }

  /** How many requests have rows renewed. */
  get size(): number {
    return this.#rows.size;
  }

  /** Stops the timer (the rows stay until removed). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
