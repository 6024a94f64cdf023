import {
  context as contextApi,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  trace,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import type { W3CTraceContextPropagator } from '@opentelemetry/core';
import { lazyRequire } from '../lazy-require.js';

/**
 * A W3C trace context as stored with an execution (in the job data envelope)
 * and as sent on the wire: the `traceparent` header and its `tracestate`.
 */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string;
}

// @opentelemetry/core is loaded by the first trace context there is to carry:
// heap that a process with nothing traced never needs (docs/performance.md).
const otelCore = lazyRequire<typeof import('@opentelemetry/core')>('@opentelemetry/core');
let w3c: W3CTraceContextPropagator | undefined;

// The global propagator when the process registered one (the SDK does, and so
// may a service that imports the library); W3C trace context otherwise, so a
// trace context is carried along even where no SDK runs.
function propagator(): Pick<TextMapPropagator, 'inject' | 'extract'> {
  if (propagation.fields().includes('traceparent')) return propagation;
  return (w3c ??= new (otelCore().W3CTraceContextPropagator)());
}

const SETTER: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};
const GETTER: TextMapGetter<TraceCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => (key === 'traceparent' || key === 'tracestate' ? carrier[key] : undefined),
};

/**
 * The trace context of `ctx` (the active one by default) as a carrier; undefined
 * when it holds no valid span context (nothing traced: nothing stored).
 */
export function captureTraceContext(ctx: Context = contextApi.active()): TraceCarrier | undefined {
  const spanContext = trace.getSpanContext(ctx);
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  const headers: Record<string, string> = {};
  propagator().inject(ctx, headers, SETTER);
  return traceCarrierOf(headers);
}

/**
 * A context whose remote parent is the stored trace context: the root context
 * without one, or when it is malformed (job data is not trusted).
 */
export function restoreTraceContext(stored: unknown): Context {
  const carrier =
    stored !== null && typeof stored === 'object' && !Array.isArray(stored)
      ? traceCarrierOf(stored as Record<string, unknown>)
      : undefined;
  if (!carrier) return ROOT_CONTEXT;
  return propagator().extract(ROOT_CONTEXT, carrier, GETTER);
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
