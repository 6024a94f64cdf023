import {
  context as contextApi,
  createContextKey,
  isSpanContextValid,
  propagation,
  trace,
  TraceFlags,
  type Context,
  type SpanContext,
  type TextMapSetter,
} from '@opentelemetry/api';

/**
 * A W3C trace context as stored with an execution (in the job data envelope)
 * and as sent on the wire: the `traceparent` header and its `tracestate`.
 */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string;
}

// The key @opentelemetry/core's suppressTracing sets (createContextKey is
// Symbol.for, so the same description is the same key).
const SUPPRESS_TRACING = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

const SETTER: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/**
 * What @opentelemetry/core's W3CTraceContextPropagator injects, written here
 * so that this module needs @opentelemetry/api alone: the library
 * (taskrest-client) is built from it, and core with its semantic conventions
 * would more than double what a service that only enqueues installs.
 */
function w3cCarrierOf(ctx: Context, spanContext: SpanContext): TraceCarrier | undefined {
  if (ctx.getValue(SUPPRESS_TRACING) === true) return undefined;
  const flags = Number(spanContext.traceFlags || TraceFlags.NONE)
    .toString(16)
    .padStart(2, '0');
  const traceparent = `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
  const tracestate = spanContext.traceState?.serialize();
  return traceCarrierOf({ traceparent, tracestate });
}

/**
 * The trace context of `ctx` (the active one by default) as a carrier; undefined
 * when it holds no valid span context (nothing traced: nothing stored). The
 * global propagator writes it when the process registered one (the SDK does,
 * and so may a service that imports the library); W3C trace context
 * otherwise, so a trace context is carried along even where no SDK runs.
 */
export function captureTraceContext(ctx: Context = contextApi.active()): TraceCarrier | undefined {
  const spanContext = trace.getSpanContext(ctx);
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  if (!propagation.fields().includes('traceparent')) return w3cCarrierOf(ctx, spanContext);
  const headers: Record<string, string> = {};
  propagation.inject(ctx, headers, SETTER);
  return traceCarrierOf(headers);
}

/**
 * `traceparent` and `tracestate` out of request headers (or a stored envelope),
 * only when `traceparent` is a string: a malformed one is dropped when restored.
 */
export function traceCarrierOf(
  headers: Readonly<Record<string, unknown>>,
): TraceCarrier | undefined {
  const { traceparent, tracestate } = headers;
  if (typeof traceparent !== 'string' || traceparent === '') return undefined;
  return typeof tracestate === 'string' && tracestate !== ''
    ? { traceparent, tracestate }
    : { traceparent };
}

/**
 * Writes the trace context of `ctx` as request headers (`traceparent`, and
 * `tracestate` when there is one); writes nothing when it holds none.
 */
export function injectTraceHeaders(ctx: Context, set: (name: string, value: string) => void): void {
  const carrier = captureTraceContext(ctx);
  if (!carrier) return;
  set('traceparent', carrier.traceparent);
  if (carrier.tracestate) set('tracestate', carrier.tracestate);
}
