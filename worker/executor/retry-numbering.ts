/**
 * The numbers one execution's retries go by, in its log and in the deadline's
 * message. axios-retry counts the retries of each request from 1; a parked
 * execution taken up again resumes with the retry that was due, so the
 * retries of that resumed request count on from its number. Once it ends,
 * a later request of the run (a redirect's hop, the resend after a renewal)
 * counts from 1 again, as every request of a fresh execution does.
 *
 * The run owns it and says when a request ended; the retry policy only asks.
 */
export class RetryNumbering {
  /** Retries that came before the request in flight (the parked ones); 0 once it ended. */
  #before: number;

  /** `resumedRetry`: the retry a parked execution is taken up for (0: not a resumed execution). */
  constructor(resumedRetry = 0) {
    this.#before = resumedRetry;
  }

  /** The number of the `n`th retry (1-based, axios-retry's count) of the request in flight. */
  retry(n: number): number {
    return this.#before + n;
  }

  /** The request in flight ended (answered or failed): the next one's retries count from 1. */
  requestEnded(): void {
    this.#before = 0;
  }
}
