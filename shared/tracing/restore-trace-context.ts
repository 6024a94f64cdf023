import {
  propagation,
  ROOT_CONTEXT,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
} from '@opentelemetry/api';
import type { W3CTraceContextPropagator } from '@opentelemetry/core';
import { lazyRequire } from '../lazy-require.js';
import { traceCarrierOf, type TraceCarrier } from './trace-carrier.js';

// @opentelemetry/core is loaded by the first trace context there is to restore:
// heap that a process with nothing traced never needs (docs/performance.md).
// Only the worker and the API restore one; the library never loads this module.
const otelCore = lazyRequire<typeof import('@opentelemetry/core')>('@opentelemetry/core');
let w3c: W3CTraceContextPropagator | undefined;

// The global propagator when the process registered one (the SDK does); W3C
// trace context otherwise, so a trace context is carried along even where no
// SDK runs.
function propagator(): Pick<TextMapPropagator, 'extract'> {
  if (propagation.fields().includes('traceparent')) return propagation;
  return (w3c ??= new (otelCore().W3CTraceContextPropagator)());
}

const GETTER: TextMapGetter<TraceCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => (key === 'traceparent' || key === 'tracestate' ? carrier[key] : undefined),
};

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
