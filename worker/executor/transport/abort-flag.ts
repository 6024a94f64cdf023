/** A listener of an AbortFlag: called once, when it aborts. */
type AbortListener = () => void;

/**
 * An abort signal as axios, axios-retry and undici read one (`aborted`,
 * `reason`, `addEventListener('abort', …)`, `removeEventListener`), without
 * an AbortController: the worker makes one per execution and one per
 * request, and a Node AbortController (an EventTarget) with a listener added
 * and removed costs orders of magnitude more than this plain object (see
 * docs/performance.md).
 *
 * Every listener is called once, when `abort` is first called; listeners
 * are dropped then, so `{ once: true }` is how they always behave. Not an
 * EventTarget: `signal` options that insist on a real AbortSignal (fetch,
 * `AbortSignal.any`) do not take it.
 */
export class AbortFlag {
  #aborted = false;
  #reason: unknown = undefined;
  #listeners: AbortListener[] = [];

  get aborted(): boolean {
    return this.#aborted;
  }

  /** What `abort` was called with (undefined until then). */
  get reason(): unknown {
    return this.#reason;
  }

  addEventListener(type: 'abort', listener: AbortListener, _options?: { once?: boolean }): void {
    if (type === 'abort' && !this.#aborted) this.#listeners.push(listener);
  }

  removeEventListener(type: 'abort', listener: AbortListener): void {
    if (type !== 'abort') return;
    const at = this.#listeners.indexOf(listener);
    if (at !== -1) this.#listeners.splice(at, 1);
  }

  /** Aborts with `reason` and calls each listener once; later calls change nothing. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener();
  }
}
