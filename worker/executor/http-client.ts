import axios, { type AxiosInstance } from 'axios';
import axiosRetry from 'axios-retry';
import { createUndiciAdapter } from './transport/undici-adapter.js';
import type { UndiciAdapterOptions } from './transport/transport-options.js';
import { gatedAdapter } from './gate/gated-adapter.js';
import { tracedAdapter } from './tracing/traced-adapter.js';

/** The axios instance a worker sends every request through, and how to close it. */
export interface HttpClient {
  readonly axios: AxiosInstance;
  close(): Promise<void>;
}

/**
 * One axios instance per worker process, over the undici adapter (traced),
 * with axios-retry attached. Retry settings are per request (each task's own
 * `retry_backoff`), so the instance default is "no retries".
 */
export function createHttpClient(options: UndiciAdapterOptions = {}): HttpClient {
  const transport = createUndiciAdapter(options);
  const instance = axios.create({
    // Below axios-retry: each attempt passes the destinations' gate, then
    // one span (and one traceparent) per attempt actually sent.
    adapter: gatedAdapter(tracedAdapter(transport.adapter)),
    // taskrest judges status codes itself (and follows redirects itself, hop by hop).
    validateStatus: () => true,
    // Bodies arrive as Buffers from the adapter; the executor decodes them.
    transformResponse: [(data: unknown) => data],
  });
  axiosRetry(instance, { retries: 0 });
  keepOnlyDefaultsRead(instance);
  return { axios: instance, close: () => transport.close() };
}

/**
 * axios merges every key of the instance defaults into each request's config
 * (mergeConfig: a null-prototype object built key by key, plain objects
 * copied), so the defaults keep only what is read with this adapter:
 * `adapter`, the two transforms, `validateStatus`, and the `common` header
 * bucket (its `Accept` is sent; the per-method buckets are all empty). Left
 * out: what only axios' own browser and Node adapters read (`timeout`, the
 * XSRF names, `maxContentLength`, `maxBodyLength`, `maxRedirects`, `env`,
 * `responseType`), and `transitional`, for which axios falls back to its
 * own defaults without validating it on every request. The undici adapter
 * reads `timeout` and `maxContentLength` only of a request that carries no
 * `taskrest` options, with the same fallbacks as axios' (0: none, -1: its
 * default limit). mergeConfig is a visible share of a job's CPU (see
 * docs/performance.md): every key left out is work not done per request.
 */
function keepOnlyDefaultsRead(instance: AxiosInstance): void {
  const defaults = instance.defaults as Partial<typeof instance.defaults>;
  for (const key of [
    'timeout',
    'xsrfCookieName',
    'xsrfHeaderName',
    'maxContentLength',
    'maxBodyLength',
    'maxRedirects',
    'env',
    'responseType',
    'transitional',
  ] as const) {
    delete defaults[key];
  }
  const common = instance.defaults.headers.common;
  instance.defaults.headers = { common: { ...common } } as typeof instance.defaults.headers;
}
