import type { EventEmitter } from 'node:events';
import { coerceError } from '../../shared/errors/coerce-error.js';

/** Anything with Node's `emit` (a BullMQ Worker, an ioredis client). */
type Emitter = Pick<EventEmitter, 'emit'>;

/**
 * Makes `emitter.emit` survive its listeners (graphile-worker's safeEmit): a
 * listener that throws is reported to `onListenerError` instead of unwinding
 * into the code that emitted, which for BullMQ and ioredis is their fetch loop
 * or socket handler, and for an `error` event with no listener the process.
 */
export function guardEmits(
  emitter: Emitter,
  onListenerError: (event: string | symbol, error: Error) => void,
): void {
  const emit = emitter.emit.bind(emitter);
  emitter.emit = (event: string | symbol, ...args: unknown[]): boolean => {
    try {
      return emit(event, ...args);
    } catch (error) {
      try {
        onListenerError(event, coerceError(error));
      } catch {
        // The reporter itself failed: nothing left that could tell anyone.
      }
      return true;
    }
  };
}
