import {
  context as contextApi,
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { isAxiosError, type AxiosAdapter, type InternalAxiosRequestConfig } from 'axios';
import type {} from 'axios-retry';
import { redactUrl } from '../../../shared/redact.js';
import { injectTraceHeaders } from '../../../shared/tracing/trace-carrier.js';
import { taskrestTracer } from '../../../shared/tracing/tracer.js';
import { contextWithSpan } from './context-with-span.js';

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * The trace context this request belongs to (the execution's span). The
     * active context when absent: a worker without the SDK has no context
     * manager, so the executor hands it over explicitly.
     */
    traceContext?: Context;
  }
}

/** Request methods with a name of their own in the HTTP semantic conventions. */
const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
]);

/**
 * Wraps the adapter: one CLIENT span per request actually sent (axios-retry
 * runs the adapter once per attempt, so each retry is a span of its own),
 * following the HTTP client semantic conventions, and the `traceparent` of
 * that span on the request when there is a trace to continue. Attributes
 * never carry headers or bodies; the URL is redacted as the job log does.
 */
export function tracedAdapter(adapter: AxiosAdapter): AxiosAdapter {
  return async (config) => {
    const parent = config.traceContext ?? contextApi.active();
    const method = (config.method ?? 'get').toUpperCase();
    const known = KNOWN_METHODS.has(method);
    const span = taskrestTracer().startSpan(
      known ? method : 'HTTP',
      { kind: SpanKind.CLIENT },
      parent,
    );
    // Nothing is built for a span that records nothing (no SDK, not sampled).
    if (span.isRecording()) span.setAttributes(requestAttributes(config, method, known));
    injectTraceHeaders(contextWithSpan(parent, span), (name, value) =>
      config.headers.set(name, value),
    );
    try {
      const response = await adapter(config);
      if (span.isRecording()) recordStatus(span, response.status);
      return response;
    } catch (error) {
      if (span.isRecording()) recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  };
}

function requestAttributes(
  config: InternalAxiosRequestConfig,
  method: string,
  known: boolean,
): Attributes {
  const attributes: Attributes = { 'http.request.method': known ? method : '_OTHER' };
  if (!known) attributes['http.request.method_original'] = method;
  const url = urlOf(config);
  if (url) {
    attributes['url.full'] = redactUrl(url);
    attributes['server.address'] = url.hostname.replace(/^\[(.*)\]$/, '$1');
    attributes['server.port'] = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  }
  const resends = config['axios-retry']?.retryCount ?? 0;
  if (resends > 0) attributes['http.request.resend_count'] = resends;
  return attributes;
}

function recordStatus(span: Span, status: number): void {
  span.setAttribute('http.response.status_code', status);
  // The conventions: a 4xx or 5xx answer is an error of the client span.
  if (status >= 400) {
    span.setAttribute('error.type', String(status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
}

/**
 * A failed attempt: its error code only. No message: messages may quote a
 * URL or a server's words, and the span leaves the worker.
 */
function recordFailure(span: Span, error: unknown): void {
  const status = isAxiosError(error) ? error.response?.status : undefined;
  if (status !== undefined) return recordStatus(span, status);
  const code = isAxiosError(error) ? error.code : undefined;
  span.setAttribute('error.type', code ?? (error instanceof Error ? error.name : '_OTHER'));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

function urlOf(config: InternalAxiosRequestConfig): URL | null {
  try {
    return new URL(config.url ?? '', config.baseURL);
  } catch {
    return null;
  }
}
