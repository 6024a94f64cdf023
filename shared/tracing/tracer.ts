import { trace, type Tracer } from '@opentelemetry/api';

// A proxy: it delegates to the SDK's tracer once a process registers one, so
// it may be taken before the SDK starts (or when it never does).
const tracer = trace.getTracer('taskrest');

/**
 * taskrest's tracer. Until (and unless) a process starts the SDK, it is the
 * API's no-op tracer: spans cost an object each and record nothing.
 */
export function taskrestTracer(): Tracer {
  return tracer;
}
