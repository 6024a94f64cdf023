import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';
import {
  captureTraceContext,
  restoreTraceContext,
  traceCarrierOf,
  type TraceCarrier,
} from '../shared/tracing/trace-carrier.js';
import { taskrestTracer } from '../shared/tracing/tracer.js';

/**
 * Runs an enqueue in a `taskrest enqueue` PRODUCER span, the child of the
 * request's `traceparent` (`tracestate`) header, and hands `enqueue` the trace
 * context to store with the execution. Without the SDK no span records, and
 * the request's own trace context is what gets stored (none without one).
 */
export async function withEnqueueSpan<T>(
  headers: IncomingHttpHeaders,
  enqueue: (traceContext: TraceCarrier | undefined) => Promise<T>,
): Promise<T> {
  const parent = restoreTraceContext(traceCarrierOf(headers));
  const span = taskrestTracer().startSpan('taskrest enqueue', { kind: SpanKind.PRODUCER }, parent);
  try {
    return await enqueue(captureTraceContext(trace.setSpan(parent, span)));
  } catch (error) {
    if (span.isRecording()) {
      span.setAttribute('error.type', error instanceof Error ? error.name : '_OTHER');
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    throw error;
  } finally {
    span.end();
  }
}
