import { SpanKind, SpanStatusCode, type Context } from '@opentelemetry/api';
import { restoreTraceContext } from '../../shared/tracing/restore-trace-context.js';
import { taskrestTracer } from '../../shared/tracing/tracer.js';
import { contextWithSpan } from '../executor/tracing/context-with-span.js';

/** The span of one execution, and the context its attempts are children of. */
export interface ExecutionSpan {
  /** The stored trace context with this span in it: hand it to the requests. */
  readonly context: Context;
  /** Ends the span; `errorType` (an error code) marks a failed execution. */
  end(errorType?: string): void;
}

/**
 * Starts the `taskrest execute` span of an execution: a child of the trace
 * context stored with it (`stored`, unchecked job data), a root without one.
 * Without the SDK it records nothing but still carries the stored context,
 * so the target gets the enqueuer's `traceparent`.
 */
export function startExecutionSpan(
  stored: unknown,
  executionId: number | string,
  queue: string,
): ExecutionSpan {
  const parent = restoreTraceContext(stored);
  const span = taskrestTracer().startSpan('taskrest execute', { kind: SpanKind.CONSUMER }, parent);
  if (span.isRecording()) {
    span.setAttributes({
      'taskrest.execution.id': String(executionId),
      'messaging.system': 'bullmq',
      'messaging.operation.type': 'process',
      'messaging.destination.name': queue,
      'messaging.message.id': String(executionId),
    });
  }
  return {
    context: contextWithSpan(parent, span),
    end(errorType) {
      if (errorType !== undefined && span.isRecording()) {
        span.setAttribute('error.type', errorType);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    },
  };
}
