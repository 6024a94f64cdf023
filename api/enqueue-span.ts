import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';
import { restoreTraceContext } from '../shared/tracing/restore-trace-context.js';
import {
  captureTraceContext,
  traceCarrierOf,
  type TraceCarrier,
} from '../shared/tracing/trace-carrier.js';
import { taskrestTracer } from '../shared/tracing/tracer.js';

/**
 * The trace headers in the OpenAPI document. No pattern: a malformed one is
 * ignored (as W3C trace context asks), never a reason to refuse the task.
 */
export const TRACE_HEADERS = {
  traceparent: {
    type: 'string',
    description: 'W3C trace context: the execution continues this trace and the target receives it',
  },
  tracestate: { type: 'string', description: 'W3C trace context, with `traceparent`' },
} as const;

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
