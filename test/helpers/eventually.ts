/** How long `eventually` keeps trying, and how often. */
export interface EventuallyOptions {
  /** @defaultValue 15000 ms: room for a loaded two-core machine. */
  timeoutMs?: number;
  /** @defaultValue 50 ms */
  intervalMs?: number;
}

/** `T` without the values `eventually` keeps waiting through. */
export type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/**
 * The one polling helper of the tests: calls `probe` until it returns a truthy
 * value and returns that value; rejects naming `what` (and, when `what` is a
 * function, what it says about the last value seen) after `timeoutMs`. For
 * conditions no event announces (a queue count, a readiness probe); where an
 * event exists, wait for the event instead.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  what: string | ((last: T | undefined) => string),
  { timeoutMs = 15_000, intervalMs = 50 }: EventuallyOptions = {},
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (last) return last as Truthy<T>;
    if (Date.now() > deadline) {
      const described = typeof what === 'string' ? what : what(last);
      throw new Error(`timed out after ${timeoutMs} ms: ${described}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
