/** How long a subject stays known unrestricted without news: a missed message costs at most this. */
export const UNRESTRICTED_TTL_MS = 5000;

/** Past this many entries the cache starts over (it is only a shortcut). */
const MAX_ENTRIES = 10_000;

/**
 * The destinations and flow keys this process knows unrestricted (no limit,
 * closed circuit, no failures, no hold, no learned rate), as the admit
 * script last said: their requests go without asking Redis. Keyed as the
 * changes channel names them (`dest\n<origin>`, `flow\n<key>`), so a
 * message drops its entry as it is.
 *
 * An answer that left Redis before a change was announced must not be
 * cached after the drop: `epoch` counts drops, and `learn` takes the epoch
 * seen before the question was sent.
 */
export class UnrestrictedCache {
  readonly #until = new Map<string, number>();
  #epoch = 0;
  #enabled = false;

  /** Bumped by every drop. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Nothing is cached while changes cannot be heard (the subscriber is not listening). */
  set enabled(on: boolean) {
    this.#enabled = on;
    if (!on) this.dropAll();
  }

  /** Whether `subject` (`dest\n<origin>` or `flow\n<key>`) is known unrestricted at `now`. */
  has(subject: string, now: number): boolean {
    const until = this.#until.get(subject);
    if (until === undefined) return false;
    if (until > now) return true;
    this.#until.delete(subject);
    return false;
  }

  /** Records what the admit script said of `subject`, unless something was dropped since `epoch`. */
  learn(subject: string, unrestricted: boolean, now: number, epoch: number): void {
    if (!unrestricted) {
      this.#until.delete(subject);
      return;
    }
    if (!this.#enabled || epoch !== this.#epoch) return;
    if (this.#until.size >= MAX_ENTRIES) this.#until.clear();
    this.#until.set(subject, now + UNRESTRICTED_TTL_MS);
  }

  /** Forgets `subject`: it changed. */
  drop(subject: string): void {
    this.#epoch += 1;
    this.#until.delete(subject);
  }

  /** Forgets everything (a `*` message, or changes may have been missed). */
  dropAll(): void {
    this.#epoch += 1;
    this.#until.clear();
  }
}

/** The cache key (and changes message) of a destination. */
export const destSubject = (origin: string): string => `dest\n${origin}`;
/** The cache key (and changes message) of a flow key. */
export const flowSubject = (flowKey: string): string => `flow\n${flowKey}`;
