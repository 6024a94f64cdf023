import axios, { AxiosError, type AxiosResponse } from 'axios';
import { coerceError } from '../../shared/errors/coerce-error.js';
import { ErrorCode } from '../../shared/errors/error-codes.js';
import { TaskError } from '../../shared/errors/task-error.js';
import { TransportErrorCode } from './transport/transport-error.js';
import type {} from './transport/transport-options.js';

/*
 * The one file that looks inside an AxiosError (and the undici, Node and
 * transport errors it carries as `cause`). Everything else gets a TaskError
 * with a stable code and a one-line message for people. Messages name the
 * host and the limit that was passed, never a header value.
 */

/** Failures where the request surely did not reach the server. */
const NOT_SENT = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
/** Failures after the request may have reached the server. */
const MAYBE_SENT = new Set([
  'ECONNRESET',
  'EPIPE',
  // The kernel's own timeout on an established connection (a connect one is not-sent).
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  TransportErrorCode.TOTAL_TIMEOUT,
]);

const SELF_SIGNED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN']);
const UNKNOWN_ISSUER = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);
const OTHER_TLS = new Set([
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** What an error tells once unwrapped: the axios code and the code of its cause. */
interface Facts {
  err: unknown;
  /** The most specific code: the cause's when it has one, else the error's own. */
  code: string | undefined;
  /** The outer (axios) code. */
  outerCode: string | undefined;
  cause: unknown;
  /** The error that carries `code`: the cause when it has a code, else the error itself. */
  source: unknown;
  /** `host:port` of the target, when known. */
  target: string | undefined;
  hostname: string | undefined;
  config: AxiosError['config'];
}

/**
 * Maps any failure of an attempt to a TaskError (a TaskError is returned
 * unchanged). The original error is kept as `cause`.
 */
export function classifyError(err: unknown): TaskError {
  if (err instanceof TaskError) return err;
  const facts = inspect(err);
  const [code, message] = describe(facts);
  return new TaskError(code, message, { cause: err });
}

/**
 * Whether a failure without a response is worth another attempt.
 *
 * - Refused connections, DNS servers not answering (EAI_AGAIN) and connect
 *   timeouts (undici's or the kernel's): the request never left, so always `true`.
 * - Resets, broken pipes, read and total timeouts: the server may have
 *   received the request, so `true` only when `idempotent` says the method
 *   may be sent twice.
 * - Anything else (DNS name unknown, TLS, size limit, cancellation, a
 *   response): `false`.
 */
export function isRetryableNetworkError(err: unknown, idempotent = false): boolean {
  const facts = inspect(err instanceof TaskError ? err.cause : err);
  if (err instanceof AxiosError && err.response) return false;
  if (facts.code === undefined) return false;
  if (NOT_SENT.has(facts.code)) return true;
  // The kernel gave up connecting (no connect_timeout set): nothing was sent either.
  if (facts.code === 'ETIMEDOUT' && syscallOf(facts.source) === 'connect') return true;
  return idempotent && MAYBE_SENT.has(facts.code);
}

/** The response an error carries (a status that axios' `validateStatus` refused), if any. */
export function responseOf(err: unknown): AxiosResponse | undefined {
  const inner = err instanceof TaskError ? err.cause : err;
  return inner instanceof AxiosError ? inner.response : undefined;
}

function describe(f: Facts): [ErrorCode, string] {
  const { code, target = 'the server' } = f;
  const limits = f.config?.taskrest;
  if (f.outerCode === AxiosError.ERR_CANCELED) return [ErrorCode.ABORTED, 'request aborted'];
  // The outbound policy refused the address a DNS lookup gave at connect time.
  if (code === ErrorCode.DESTINATION_DENIED) {
    return [ErrorCode.DESTINATION_DENIED, messageOf(f.source)];
  }
  if (code === 'UND_ERR_CLOSED' || code === 'UND_ERR_DESTROYED') {
    return [ErrorCode.ABORTED, 'request aborted: the transport was closed'];
  }
  // ECONNABORTED without a cause: axios' own `timeout` (another adapter).
  const axiosTimeout = f.outerCode === AxiosError.ECONNABORTED && f.cause === undefined;
  if (code === TransportErrorCode.TOTAL_TIMEOUT || axiosTimeout) {
    const limit = limitOf(f.source) ?? limits?.totalTimeoutMs ?? f.config?.timeout;
    return [
      ErrorCode.TOTAL_TIMEOUT,
      `total timeout: no complete response from ${target}${within(limit)}`,
    ];
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    const limit = limits?.connectTimeoutMs;
    return [
      ErrorCode.CONNECT_TIMEOUT,
      `connect timeout: no connection to ${target}${within(limit)}`,
    ];
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT') {
    const limit = limits?.readTimeoutMs;
    return [ErrorCode.READ_TIMEOUT, `read timeout: no response from ${target}${within(limit)}`];
  }
  if (code === 'UND_ERR_BODY_TIMEOUT') {
    const limit = limits?.readTimeoutMs;
    const wait = limit ? ` for more than ${seconds(limit)}` : '';
    return [ErrorCode.READ_TIMEOUT, `read timeout: response body from ${target} stalled${wait}`];
  }
  if (code === TransportErrorCode.RESPONSE_TOO_LARGE) {
    const limit = limitOf(f.source) ?? limits?.maxResponseBytes;
    const over = limit === undefined ? 'the limit' : `the limit of ${bytes(limit)}`;
    return [ErrorCode.RESPONSE_TOO_LARGE, `response too large: body exceeds ${over}`];
  }
  const tls = tlsMessage(code, f.hostname);
  if (tls) return [ErrorCode.TLS, `TLS: ${tls}`];
  const network = networkMessage(f, target);
  if (network) return network;
  if (f.err instanceof AxiosError && f.err.response) {
    const { status, statusText } = f.err.response;
    return [ErrorCode.UNEXPECTED_STATUS, `unexpected status ${status} ${statusText}`.trim()];
  }
  if (code?.startsWith('Z_')) {
    return [ErrorCode.INTERNAL, `response body could not be decoded: ${messageOf(f.source)}`];
  }
  return [ErrorCode.INTERNAL, coerceError(f.err).message];
}

function tlsMessage(code: string | undefined, hostname: string | undefined): string | null {
  if (code === undefined) return null;
  if (SELF_SIGNED.has(code)) {
    return 'certificate is self-signed and not trusted (set cacert or verify_ssl: false)';
  }
  if (UNKNOWN_ISSUER.has(code)) {
    return 'certificate is issued by an unknown authority (set cacert or verify_ssl: false)';
  }
  if (code === 'CERT_HAS_EXPIRED') return 'certificate has expired';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') {
    return `certificate name does not match host${hostname ? ` ${hostname}` : ''}`;
  }
  if (OTHER_TLS.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return `handshake${hostname ? ` with ${hostname}` : ''} failed (${code})`;
  }
  return null;
}

function networkMessage(f: Facts, target: string): [ErrorCode, string] | null {
  const host = f.hostname ?? target;
  switch (f.code) {
    case 'ECONNREFUSED':
      return [ErrorCode.NETWORK, `connection refused by ${target}`];
    case 'ECONNRESET':
      return [ErrorCode.NETWORK, `connection reset by ${target}`];
    case 'UND_ERR_SOCKET':
      return [ErrorCode.NETWORK, `connection closed by ${target} before the response was complete`];
    case 'EPIPE':
      return [ErrorCode.NETWORK, `connection closed by ${target} while sending the request`];
    case 'ENOTFOUND':
      return [ErrorCode.NETWORK, `DNS lookup failed for ${host}`];
    case 'EAI_AGAIN':
      return [ErrorCode.NETWORK, `DNS lookup failed for ${host} (temporary failure, try again)`];
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return [ErrorCode.NETWORK, `host unreachable: ${target} (${f.code})`];
    case 'ETIMEDOUT':
      // The kernel gave up (no undici timer involved).
      return syscallOf(f.source) === 'connect'
        ? [ErrorCode.CONNECT_TIMEOUT, `connect timeout: no connection to ${target}`]
        : [ErrorCode.NETWORK, `connection to ${target} timed out`];
    case AxiosError.ERR_NETWORK:
      return [ErrorCode.NETWORK, `network error talking to ${target}: ${messageOf(f.source)}`];
    default:
      // Other socket-level errors: Node's syscall errors are E + capitals.
      return f.code && /^E[A-Z]+$/.test(f.code) && syscallOf(f.source)
        ? [ErrorCode.NETWORK, `network error talking to ${target} (${f.code})`]
        : null;
  }
}

function inspect(err: unknown): Facts {
  const outerCode = codeOf(err);
  const cause = (err as { cause?: unknown } | null)?.cause;
  const config = err instanceof AxiosError ? err.config : undefined;
  const url = targetUrl(err, config);
  const causeCode = codeOf(cause);
  return {
    err,
    code: causeCode ?? outerCode,
    outerCode,
    cause,
    source: causeCode === undefined ? err : cause,
    config,
    hostname: url?.hostname,
    target: url
      ? `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`
      : undefined,
  };
}

function targetUrl(err: unknown, config: AxiosError['config']): URL | undefined {
  const origin = err instanceof AxiosError ? (err.request as { origin?: unknown })?.origin : null;
  try {
    if (typeof origin === 'string') return new URL(origin);
    if (config) return new URL(axios.getUri(config));
  } catch {
    // No usable URL: the message says "the server".
  }
  return undefined;
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function syscallOf(err: unknown): string | undefined {
  const syscall = (err as { syscall?: unknown } | null)?.syscall;
  return typeof syscall === 'string' ? syscall : undefined;
}

function limitOf(err: unknown): number | undefined {
  const limit = (err as { limit?: unknown } | null)?.limit;
  return typeof limit === 'number' ? limit : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function within(limitMs: number | null | undefined): string {
  return limitMs ? ` within ${seconds(limitMs)}` : '';
}

/** 1500 → "1.5 s". */
function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** 10485760 → "10 MiB"; odd sizes in bytes. */
function bytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}
