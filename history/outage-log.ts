import type { Logger } from '../shared/logger.js';

/**
 * The log of a recorder's outages: one warning when writing starts to fail
 * (the store or Redis is down) and one line when it works again, not one
 * per try, so that an hour of PostgreSQL downtime is two lines, not
 * thousands.
 */
export class OutageLog {
  readonly #logger: Logger;
  #since: number | undefined;
  #tries = 0;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** A try failed: logged when it is the first of an outage. */
  failed(error: unknown): void {
    this.#tries += 1;
    if (this.#since !== undefined) return;
    this.#since = Date.now();
    this.#logger.warn('history recorder: cannot record, the records wait in Redis', {
      error: error instanceof Error ? error.message : String(error),
    });
  }

  /** A try worked: logged when it ends an outage. */
  over(): void {
    if (this.#since === undefined) return;
    this.#logger.info('history recorder: recording again', {
      outage_ms: Date.now() - this.#since,
      tries: this.#tries,
    });
    this.#since = undefined;
    this.#tries = 0;
  }
}
