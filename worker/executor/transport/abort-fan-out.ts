import { AbortFlag } from './abort-flag.js';

/** The callbacks waiting on one caller signal, behind its single 'abort' listener. */
interface FanOut {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

/** What onAbort needs of a signal (axios types `config.signal` this loosely). */
export interface ListenableSignal {
  readonly aborted: boolean;
  addEventListener?: (type: 'abort', listener: () => void, options?: { once: boolean }) => void;
  removeEventListener?: (type: 'abort', listener: () => void) => void;
}

const fanOuts = new WeakMap<ListenableSignal, FanOut>();

/**
 * Calls `callback` when `signal` aborts; returns the way to stop waiting.
 * However many requests wait on one signal at once (a worker's jobs share
 * its shutdown signal), the signal carries a single 'abort' listener, added
 * with the first and removed with the last: a listener per request in flight
 * made Node warn of a leak (MaxListenersExceededWarning) past ten.
 */
export function onAbort(signal: ListenableSignal, callback: () => void): () => void {
  // An AbortFlag keeps any number of listeners without a warning, in an
  // array: no fan-out (a Set and a WeakMap entry per request) is needed.
  if (signal instanceof AbortFlag) {
    signal.addEventListener('abort', callback);
    return () => signal.removeEventListener('abort', callback);
  }
  let fanOut = fanOuts.get(signal);
  if (!fanOut) {
    const callbacks = new Set<() => void>();
    const listener = () => {
      fanOuts.delete(signal);
      for (const waiting of [...callbacks]) waiting();
    };
    fanOut = { callbacks, listener };
    fanOuts.set(signal, fanOut);
    signal.addEventListener?.('abort', listener, { once: true });
  }
  // A wrapper of its own: the same callback twice stays two subscriptions.
  const entry = () => callback();
  const { callbacks, listener } = fanOut;
  callbacks.add(entry);
  return () => {
    if (!callbacks.delete(entry) || callbacks.size > 0) return;
    signal.removeEventListener?.('abort', listener);
    if (fanOuts.get(signal)?.listener === listener) fanOuts.delete(signal);
  };
}
