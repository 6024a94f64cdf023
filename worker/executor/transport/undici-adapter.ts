import {
  AxiosError,
  CanceledError,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { onAbort } from './abort-fan-out.js';
import { AbortFlag } from './abort-flag.js';
import { AgentPool, type ConnectSettings } from './agent-pool.js';
import { cutAt, markBodyCut } from './body-cut.js';
import { buildRequest, type RequestSummary } from './build-request.js';
import { decodePrefix, decoderFor, type Decoder } from './decompress-body.js';
import { collectResponse, type CollectedResponse } from './response-collector.js';
import { toResponseHeaders } from './response-headers.js';
import { toAxiosError, type AttemptLimits } from './to-axios-error.js';
import { TransportError, TransportErrorCode } from './transport-error.js';
import type { UndiciAdapterOptions } from './transport-options.js';

/** The adapter and the means to close its connections. */
export interface UndiciAdapter {
  /** Put on an axios instance or request config as `adapter`. */
  adapter: AxiosAdapter;
  /** Closes every pooled connection; requests in flight finish first. */
  close(): Promise<void>;
}

const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
// Used only for requests that carry no `taskrest` options: undici's own defaults.
const FALLBACK_CONNECT_TIMEOUT_MS = 10_000;
const FALLBACK_READ_TIMEOUT_MS = 300_000;

/** One attempt's limits and connect settings, from `config.taskrest` or the fallbacks. */
interface AttemptSettings extends AttemptLimits, ConnectSettings {
  maxResponseBytes: number;
  /** A body past the limit, or failing after the head, is cut rather than refused. */
  cutResponse: boolean;
}

/**
 * An axios adapter on undici: one request, never following redirects, the
 * body read whole into a Buffer (decoded, size-limited), timeouts and TLS
 * from `config.taskrest`. Requests without `config.taskrest` get undici's
 * default connect and read timeouts, axios' `timeout` as total timeout and
 * axios' `maxContentLength` (or the adapter default) as size limit.
 */
export function createUndiciAdapter(options: UndiciAdapterOptions = {}): UndiciAdapter {
  const pool = new AgentPool({
    lookup: options.lookup,
    checkHost: options.checkHost,
    connectionsPerOrigin: options.connectionsPerOrigin ?? null,
  });
  const defaultMaxBytes = options.defaultMaxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  return {
    adapter: (config) => perform(config, pool, attemptSettings(config, defaultMaxBytes)),
    close: () => pool.close(),
  };
}

async function perform(
  config: InternalAxiosRequestConfig,
  pool: AgentPool,
  settings: AttemptSettings,
): Promise<AxiosResponse<Buffer>> {
  let request: RequestSummary | undefined;
  const signal = config.signal;
  if (signal?.aborted) throw new CanceledError(undefined, config);

  // The caller's signal is never handed to undici: many requests share it (a
  // worker's jobs, one shutdown signal), and undici adds a listener per request.
  // Each request gets a signal of its own (an AbortFlag: no AbortController's
  // cost), following the caller's through one shared listener (onAbort); a
  // request with neither signal nor total timeout gets none.
  const own = signal || settings.totalTimeoutMs > 0 ? new AbortFlag() : undefined;
  // The abort reason is what undici rejects with, so it names the cause.
  const stopFollowing =
    own && signal
      ? onAbort(signal, () => own.abort(new CanceledError(undefined, config, request)))
      : undefined;
  const timer =
    own && settings.totalTimeoutMs > 0
      ? setTimeout(() => own.abort(totalTimeoutError(settings)), settings.totalTimeoutMs)
      : undefined;

  try {
    const built = await buildRequest(config);
    request = { method: built.method, origin: built.origin, path: built.path };
    // The settings carry the connect settings themselves (no copy per attempt).
    const agent = pool.get(settings);
    // How this response's body is decoded (its Content-Encoding), once its head is in.
    let decoder: Decoder | undefined;
    let encoding: string | undefined;
    const res = await collectResponse(
      agent,
      {
        ...built,
        headersTimeout: settings.readTimeoutMs,
        bodyTimeout: settings.readTimeoutMs,
      },
      {
        signal: own,
        bodyLimit: (statusCode, headers) => {
          const hasBody = built.method !== 'HEAD' && statusCode !== 204 && statusCode !== 304;
          encoding = firstValue(headers['content-encoding']);
          decoder = config.decompress !== false && hasBody ? decoderFor(encoding) : undefined;
          if (decoder) return encodedLimit(settings.maxResponseBytes);
          // A body that announces too much is refused unread (one to be cut is read up to the limit).
          const announced = Number(firstValue(headers['content-length']));
          if (!settings.cutResponse && announced > settings.maxResponseBytes) {
            throw tooLarge(settings.maxResponseBytes);
          }
          return settings.maxResponseBytes;
        },
        tooLarge: () => tooLarge(settings.maxResponseBytes),
        // Only the caller's abort (cancel, shutdown) fails an answer that is cut.
        ...(settings.cutResponse ? { keepCut: isNotCancel } : {}),
      },
    );
    const body = await bodyOf(res, decoder && { decoder, encoding }, settings);
    const response: AxiosResponse<Buffer> = {
      data: body.data,
      status: res.statusCode,
      statusText: res.statusText,
      headers: toResponseHeaders(res.headers, decoder !== undefined),
      config,
      request,
    };
    if (body.cut) markBodyCut(response, body.data.length);
    return settle(response);
  } catch (err) {
    throw attemptError(err, config, request, settings, own);
  } finally {
    clearTimeout(timer);
    stopFollowing?.();
  }
}

function attemptSettings(
  config: InternalAxiosRequestConfig,
  defaultMaxBytes: number,
): AttemptSettings {
  const options = config.taskrest;
  if (!options) {
    const maxContentLength = config.maxContentLength ?? -1;
    return {
      connectTimeoutMs: FALLBACK_CONNECT_TIMEOUT_MS,
      readTimeoutMs: FALLBACK_READ_TIMEOUT_MS,
      totalTimeoutMs: config.timeout ?? 0,
      maxResponseBytes: maxContentLength > -1 ? maxContentLength : defaultMaxBytes,
      cutResponse: false,
      rejectUnauthorized: true,
      ca: undefined,
    };
  }
  return {
    connectTimeoutMs: options.connectTimeoutMs ?? 0,
    readTimeoutMs: options.readTimeoutMs ?? 0,
    totalTimeoutMs: options.totalTimeoutMs ?? 0,
    maxResponseBytes: options.maxResponseBytes,
    cutResponse: options.cutResponse === true,
    rejectUnauthorized: options.tls.rejectUnauthorized,
    ca: options.tls.ca,
  };
}

/**
 * What a failed attempt rejects with. Aborted through the caller's signal
 * (not cut by the total timeout before): axios' CanceledError, as its
 * adapters say it; anything else as axios' Node adapter would say it.
 */
function attemptError(
  err: unknown,
  config: InternalAxiosRequestConfig,
  request: RequestSummary | undefined,
  settings: AttemptSettings,
  own: AbortFlag | undefined,
): Error {
  if (config.signal?.aborted && !(own?.reason instanceof TransportError)) {
    return new CanceledError(undefined, config, request);
  }
  return toAxiosError(err, config, request, settings);
}

/**
 * The response's body as the response carries it: decoded (whole, or for an
 * answer to be cut only its first `maxResponseBytes`), and `cut` when that
 * is not all of it, ending on a whole UTF-8 character.
 */
async function bodyOf(
  res: CollectedResponse,
  decoding: { decoder: Decoder; encoding: string | undefined } | undefined,
  settings: AttemptSettings,
): Promise<{ data: Buffer; cut: boolean }> {
  const max = settings.maxResponseBytes;
  if (!settings.cutResponse) {
    return {
      data: decoding ? await decode(decoding.decoder, res.body, max) : res.body,
      cut: false,
    };
  }
  const decoded = decoding
    ? await decodePrefix(decoding.encoding, res.body, max)
    : { data: res.body, cut: false };
  const cut = res.cut || decoded.cut;
  return { data: cut ? cutAt(decoded.data, max) : decoded.data, cut };
}

/** Whether an error ends an answer to be cut with what was read: anything but the caller's abort. */
function isNotCancel(error: unknown): boolean {
  return !(error instanceof CanceledError);
}

/** The body decoded whole; decoded past `maxBytes`, it is refused as too large. */
function decode(decoder: Decoder, body: Buffer, maxBytes: number): Promise<Buffer> {
  return decoder(body, maxBytes).catch((error: unknown) => {
    throw (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE'
      ? tooLarge(maxBytes)
      : error;
  });
}

/** axios' `settle`: reject a status that `validateStatus` refuses, with the response. */
function settle(response: AxiosResponse<Buffer>): AxiosResponse<Buffer> {
  const validateStatus = response.config.validateStatus;
  if (!response.status || !validateStatus || validateStatus(response.status)) return response;
  throw new AxiosError(
    `Request failed with status code ${response.status}`,
    response.status >= 400 && response.status < 500
      ? AxiosError.ERR_BAD_REQUEST
      : AxiosError.ERR_BAD_RESPONSE,
    response.config,
    response.request,
    response,
  );
}

/**
 * The most bytes of an encoded body taken over the wire for a decoded limit
 * of `maxBytes`: compression can make incompressible data a little larger
 * (deflate adds 5 bytes per stored block of up to 64 KiB, plus its framing;
 * brotli about as much), so a body that decodes within the limit always
 * fits. The decoded size is held to `maxBytes` itself.
 */
function encodedLimit(maxBytes: number): number {
  return maxBytes + Math.ceil(maxBytes / 1000) + 1024;
}

/** The response body passed `maxBytes` (after decoding, when decoded). */
function tooLarge(maxBytes: number): TransportError {
  return new TransportError(
    TransportErrorCode.RESPONSE_TOO_LARGE,
    `response body larger than ${maxBytes} bytes`,
    maxBytes,
  );
}

function totalTimeoutError(settings: AttemptSettings): TransportError {
  return new TransportError(
    TransportErrorCode.TOTAL_TIMEOUT,
    `total timeout of ${settings.totalTimeoutMs} ms exceeded`,
    settings.totalTimeoutMs,
  );
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
