import { isSpanContextValid, trace, type Context, type Span } from '@opentelemetry/api';

/**
 * `trace.setSpan(parent, span)`, or `parent` itself when the span adds
 * nothing to it: a span that records nothing and carries its parent's span
 * context (or none), as every span does without the SDK. A context is a new
 * object with a Map copied from its parent; one per execution and one per
 * request were kept alive for the whole request (promoted out of the young
 * generation at high concurrency) for no trace at all. A span the SDK's
 * sampler dropped has a span context of its own, and still gets a context.
 */
export function contextWithSpan(parent: Context, span: Span): Context {
  if (span.isRecording()) return trace.setSpan(parent, span);
  const own = span.spanContext();
  const inherited = trace.getSpanContext(parent);
  const addsNothing = inherited
    ? own.spanId === inherited.spanId && own.traceId === inherited.traceId
    : !isSpanContextValid(own);
  return addsNothing ? parent : trace.setSpan(parent, span);
}
