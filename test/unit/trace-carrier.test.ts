import {
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Context,
  type SpanContext,
  type TextMapPropagator,
} from '@opentelemetry/api';
import { suppressTracing, TraceState, W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { restoreTraceContext } from '../../shared/tracing/restore-trace-context.js';
import { captureTraceContext } from '../../shared/tracing/trace-carrier.js';

/*
 * captureTraceContext needs @opentelemetry/api alone (the library is built
 * from it): without a global propagator it writes what @opentelemetry/core's
 * W3C propagator writes, which these tests hold it to.
 */

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';

function contextOf(spanContext: Partial<SpanContext>): Context {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    traceFlags: TraceFlags.SAMPLED,
    ...spanContext,
  });
}

function coreInjects(ctx: Context): Record<string, string> {
  const headers: Record<string, string> = {};
  new W3CTraceContextPropagator().inject(ctx, headers, {
    set: (carrier, key, value) => (carrier[key] = value),
  });
  return headers;
}

describe('captureTraceContext without a global propagator', () => {
  it.each([
    ['sampled', contextOf({})],
    ['not sampled', contextOf({ traceFlags: TraceFlags.NONE })],
    ['with a tracestate', contextOf({ traceState: new TraceState('vendor=a,other=b:c') })],
    ['with an empty tracestate', contextOf({ traceState: new TraceState('') })],
    ['remote', contextOf({ isRemote: true })],
  ])('writes what @opentelemetry/core writes: %s', (_name, ctx) => {
    const expected = coreInjects(ctx);
    expect(expected.traceparent).toMatch(/^00-/);
    if (expected.tracestate === '') delete expected.tracestate;
    expect(captureTraceContext(ctx)).toEqual(expected);
  });

  it.each([
    ['no span context', ROOT_CONTEXT],
    ['an invalid span context', contextOf({ traceId: '0'.repeat(32) })],
    ['tracing suppressed', suppressTracing(contextOf({}))],
  ])('captures nothing with %s, as core injects nothing', (_name, ctx) => {
    expect(coreInjects(ctx)).toEqual({});
    expect(captureTraceContext(ctx)).toBeUndefined();
  });

  it('round-trips through restoreTraceContext', () => {
    const ctx = contextOf({ traceState: new TraceState('vendor=a') });
    const restored = trace.getSpanContext(restoreTraceContext(captureTraceContext(ctx)));
    expect(restored).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, isRemote: true });
    expect(restored?.traceState?.serialize()).toBe('vendor=a');
  });
});

describe('captureTraceContext with a global propagator', () => {
  afterEach(() => propagation.disable());

  it('lets the registered propagator write the carrier', () => {
    const custom: TextMapPropagator = {
      inject: (_ctx, carrier, setter) => setter.set(carrier, 'traceparent', 'from-the-global'),
      extract: (ctx) => ctx,
      fields: () => ['traceparent'],
    };
    propagation.setGlobalPropagator(custom);
    expect(captureTraceContext(contextOf({}))).toEqual({ traceparent: 'from-the-global' });
  });
});
