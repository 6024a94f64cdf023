import { ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  AxiosError,
  AxiosHeaders,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { restoreTraceContext } from '../../shared/tracing/restore-trace-context.js';
import { tracedAdapter } from '../../worker/executor/tracing/traced-adapter.js';

/*
 * The attempt span around the transport: attributes, failures and the
 * traceparent sent. The transport underneath is a function that answers or
 * fails as told, recording the headers it was handed.
 */

const exporter = new InMemorySpanExporter();
const PARENT = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };

function configOf(url: string, method = 'get', traceContext?: Context): InternalAxiosRequestConfig {
  return { url, method, headers: new AxiosHeaders(), ...(traceContext ? { traceContext } : {}) };
}

function transport(outcome: number | Error): AxiosAdapter & { sent: AxiosHeaders[] } {
  const sent: AxiosHeaders[] = [];
  const adapter = (config: InternalAxiosRequestConfig) => {
    sent.push(new AxiosHeaders(config.headers));
    if (outcome instanceof Error) return Promise.reject(outcome);
    return Promise.resolve({ status: outcome, config } as AxiosResponse);
  };
  return Object.assign(adapter, { sent });
}

describe('without a tracer provider (tracing off)', () => {
  it('adds no traceparent to a request without a trace context, and forwards a stored one', async () => {
    const plain = transport(200);
    await tracedAdapter(plain)(configOf('http://127.0.0.1:1/a'));
    expect(plain.sent[0]?.has('traceparent')).toBe(false);

    const traced = transport(200);
    await tracedAdapter(traced)(
      configOf('http://127.0.0.1:1/a', 'get', restoreTraceContext(PARENT)),
    );
    expect(traced.sent[0]?.get('traceparent')).toBe(PARENT.traceparent);
  });
});

describe('with a tracer provider', () => {
  beforeAll(() => {
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
  });
  afterEach(() => exporter.reset());
  afterAll(() => trace.disable());

  it('records a CLIENT span, a child of the given context, whose id the request carries', async () => {
    const target = transport(204);
    await tracedAdapter(target)(
      configOf(
        'https://user:pw@api.example.test/v1/x?access_token=tok&q=1',
        'delete',
        restoreTraceContext(PARENT),
      ),
    );
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('DELETE');
    expect(span?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(span?.attributes).toEqual({
      'http.request.method': 'DELETE',
      'url.full': 'https://REDACTED@api.example.test/v1/x?access_token=%5BREDACTED%5D&q=1',
      'server.address': 'api.example.test',
      'server.port': 443,
      'http.response.status_code': 204,
    });
    expect(target.sent[0]?.get('traceparent')).toBe(
      `00-${span?.spanContext().traceId}-${span?.spanContext().spanId}-01`,
    );
  });

  it('names a network failure by its code, never its message', async () => {
    const failure = new AxiosError('connect ECONNREFUSED 10.0.0.1:8080 secret', 'ECONNREFUSED');
    await expect(
      tracedAdapter(transport(failure))(configOf('http://[::1]:8080/', 'get', ROOT_CONTEXT)),
    ).rejects.toBe(failure);
    const [span] = exporter.getFinishedSpans();
    expect(span?.attributes['error.type']).toBe('ECONNREFUSED');
    expect(span?.attributes['server.address']).toBe('::1');
    expect(span?.status).toEqual({ code: 2 });
    expect(JSON.stringify(span?.attributes)).not.toContain('secret');
    expect(span?.events).toEqual([]);
  });

  it('uses _OTHER for a method the conventions do not name', async () => {
    await tracedAdapter(transport(200))(configOf('http://127.0.0.1:1/', 'propfind'));
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('HTTP');
    expect(span?.attributes['http.request.method']).toBe('_OTHER');
    expect(span?.attributes['http.request.method_original']).toBe('PROPFIND');
  });
});
