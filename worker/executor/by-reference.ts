/**
 * axios deep-copies every plain object in a request config on every request
 * (mergeConfig), and taskrest's per-request settings (transport options,
 * axios-retry options) are read-only: giving them a prototype of their own
 * makes axios pass them by reference: the config merge was a large share
 * of the executor's own CPU time (see docs/performance.md).
 */
class ByReference {}

/** `value`'s own properties on an object axios does not deep-copy. */
export function byReference<T extends object>(value: T): T {
  return Object.assign<ByReference, T>(new ByReference(), value);
}
