import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A package loaded at its first use rather than with the process, for the
 * packages only some tasks need: loaded up front, their heap is held by
 * every worker, and V8 sizes the old generation as a multiple of what stays
 * live, so what is held costs several times its size at high concurrency
 * (see docs/performance.md). CommonJS `require`, so synchronous code can use it;
 * the package must offer a CommonJS entry (or be loadable by Node's
 * `require` of an ES module).
 */
export function lazyRequire<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}
