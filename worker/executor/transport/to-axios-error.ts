import { AxiosError, type InternalAxiosRequestConfig } from 'axios';
import type { RequestSummary } from './build-request.js';
import { TransportError, TransportErrorCode } from './transport-error.js';

/** The limits of the attempt, to say in the message which one fired. */
export interface AttemptLimits {
  connectTimeoutMs: number;
  readTimeoutMs: number;
  totalTimeoutMs: number;
}

/**
 * Turns whatever undici, Node or the body reader threw into the AxiosError
 * that axios' Node adapter would have produced, so that axios-retry and
 * interceptors see the usual codes. The original error is the `cause`.
 * Messages come from the error (undici and Node never put header values in
 * them) or from templates here.
 */
export function toAxiosError(
  err: unknown,
  config: InternalAxiosRequestConfig,
  request: RequestSummary | undefined,
  limits: AttemptLimits,
): AxiosError {
  if (err instanceof AxiosError) return err;
  const [code, message] = codeAndMessage(err, limits);
  const axiosError = new AxiosError(message, code, config, request);
  // Non-enumerable, as AxiosError.from does: the cause may hold sockets.
  Object.defineProperty(axiosError, 'cause', {
    value: err,
    writable: true,
    enumerable: false,
    configurable: true,
  });
  return axiosError;
}

function codeAndMessage(err: unknown, limits: AttemptLimits): [code: string, message: string] {
  if (err instanceof TransportError) {
    if (err.code === TransportErrorCode.TOTAL_TIMEOUT) {
      return [AxiosError.ECONNABORTED, err.message];
    }
    return [AxiosError.ERR_BAD_RESPONSE, err.message];
  }
  const code = errorCode(err);
  const message = errorMessage(err);
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return [AxiosError.ETIMEDOUT, `connect timeout of ${limits.connectTimeoutMs} ms exceeded`];
    case 'UND_ERR_HEADERS_TIMEOUT':
      return [
        AxiosError.ETIMEDOUT,
        `read timeout of ${limits.readTimeoutMs} ms exceeded waiting for the response`,
      ];
    case 'UND_ERR_BODY_TIMEOUT':
      return [
        AxiosError.ETIMEDOUT,
        `read timeout of ${limits.readTimeoutMs} ms exceeded reading the response body`,
      ];
    // undici's "other side closed": the peer dropped the connection mid-exchange.
    case 'UND_ERR_SOCKET':
      return ['ECONNRESET', `socket closed by the peer: ${message}`];
    case 'UND_ERR_INVALID_ARG':
      return [AxiosError.ERR_BAD_OPTION_VALUE, message];
    case 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH':
      return [AxiosError.ERR_BAD_REQUEST, message];
    case 'UND_ERR_NOT_SUPPORTED':
      return [AxiosError.ERR_NOT_SUPPORT, message];
    case undefined:
      return [AxiosError.ERR_NETWORK, message];
    default:
      return [code, message];
  }
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // Node's Happy Eyeballs failures are AggregateErrors with an empty message.
  if (!err.message && err instanceof AggregateError) {
    return err.errors.map((e) => errorMessage(e)).join('; ');
  }
  return err.message;
}
