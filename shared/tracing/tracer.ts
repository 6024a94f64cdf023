import { trace, type Tracer } from '@opentelemetry/api';

/**
 * taskrest's tracer. Until (and unless) a process starts the SDK, the API
 * hands out its no-op tracer: spans cost an object each and record nothing.
 */
export function taskrestTracer(): Tracer {
  return trace.getTracer('taskrest');
}
