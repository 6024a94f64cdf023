import type { LookupFunction } from 'node:net';
import type {} from 'axios';

/**
 * Per-request transport settings that the executor puts on the axios request
 * config (`config.taskrest`). The undici adapter reads them; axios and
 * axios-retry carry them along untouched.
 */
export interface TransportOptions {
  /** TCP connect plus TLS handshake, in ms. `null` or 0 disables. */
  connectTimeoutMs: number | null;
  /** Longest silence while waiting for the response head or between body chunks, in ms. `null` or 0 disables. */
  readTimeoutMs: number | null;
  /** One whole attempt, from sending to the last body byte, in ms. `null` or 0 disables. */
  totalTimeoutMs: number | null;
  /** Largest response body accepted, counted after decompression, in bytes. */
  maxResponseBytes: number;
  /**
   * True: a body past `maxResponseBytes` is cut there instead of refused,
   * and so is one that fails once the response head is in (a read or total
   * timeout, a reset): the response comes back with what was read, marked
   * (`bodyCutOf`). Only the caller's abort still fails the attempt.
   * @defaultValue false
   */
  cutResponse?: boolean;
  /** TLS verification for https targets. */
  tls: TlsOptions;
}

export interface TlsOptions {
  /** Verify the peer's certificate chain and name. @defaultValue true */
  rejectUnauthorized: boolean;
  /** Extra PEM CA certificate(s) trusted in addition to the system roots. */
  ca?: string;
}

declare module 'axios' {
  interface AxiosRequestConfig {
    /** taskrest's transport settings for this request (see TransportOptions). */
    taskrest?: TransportOptions;
  }
}

/** Options fixed when the adapter is created (per worker process). */
export interface UndiciAdapterOptions {
  /** DNS lookup used for every connection; the outbound policy wraps it to check resolved addresses. */
  lookup?: LookupFunction;
  /**
   * Called with the host of every new connection before it is made; throwing
   * refuses it. The outbound policy checks IP literals here, which no lookup sees.
   */
  checkHost?: (hostname: string) => void;
  /**
   * At most this many connections to one origin; requests beyond wait for one
   * to free up. Unlimited by default, as undici's and Node's own agents: a
   * worker's concurrency already bounds what it has in flight, and a
   * destination's `max_concurrency` is the place to spare a server.
   * @defaultValue null (unlimited)
   */
  connectionsPerOrigin?: number | null;
  /** Default when a request carries no `taskrest` options. @defaultValue 10 MiB */
  defaultMaxResponseBytes?: number;
}
