import { AxiosError, AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors/error-codes.js';
import { TaskError } from '../../shared/errors/task-error.js';
import {
  classifyError,
  isRetryableNetworkError,
  responseOf,
} from '../../worker/executor/classify-error.js';
import {
  TransportError,
  TransportErrorCode,
} from '../../worker/executor/transport/transport-error.js';
import type { TransportOptions } from '../../worker/executor/transport/transport-options.js';

const SECRET = 'Bearer s3cr3t';

const taskrest: TransportOptions = {
  connectTimeoutMs: 1500,
  readTimeoutMs: 2500,
  totalTimeoutMs: 30_000,
  maxResponseBytes: 10 * 1024 * 1024,
  tls: { rejectUnauthorized: true },
};

const config = {
  url: 'https://api.example.test:8443/v1/things',
  method: 'get',
  headers: new AxiosHeaders({ authorization: SECRET }),
  taskrest,
} as InternalAxiosRequestConfig;

/** What the adapter rejects with: an AxiosError whose cause is the original error. */
function axiosError(code: string, cause: unknown): AxiosError {
  const error = new AxiosError('message', code, config, {
    method: 'GET',
    origin: 'https://api.example.test:8443',
    path: '/v1/things',
  });
  error.cause = cause as Error;
  return error;
}

function nodeError(code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${code} happened`), { code, ...extra });
}

describe('classifyError', () => {
  it.each([
    [
      'ETIMEDOUT',
      nodeError('UND_ERR_CONNECT_TIMEOUT'),
      ErrorCode.CONNECT_TIMEOUT,
      'connect timeout: no connection to api.example.test:8443 within 1.5 s',
    ],
    [
      'ETIMEDOUT',
      nodeError('UND_ERR_HEADERS_TIMEOUT'),
      ErrorCode.READ_TIMEOUT,
      'read timeout: no response from api.example.test:8443 within 2.5 s',
    ],
    [
      'ETIMEDOUT',
      nodeError('UND_ERR_BODY_TIMEOUT'),
      ErrorCode.READ_TIMEOUT,
      'read timeout: response body from api.example.test:8443 stalled for more than 2.5 s',
    ],
    [
      'ECONNABORTED',
      new TransportError(TransportErrorCode.TOTAL_TIMEOUT, 'x', 2000),
      ErrorCode.TOTAL_TIMEOUT,
      'total timeout: no complete response from api.example.test:8443 within 2 s',
    ],
    [
      'ERR_BAD_RESPONSE',
      new TransportError(TransportErrorCode.RESPONSE_TOO_LARGE, 'x', 1024 * 1024),
      ErrorCode.RESPONSE_TOO_LARGE,
      'response too large: body exceeds the limit of 1 MiB',
    ],
    [
      'ECONNREFUSED',
      nodeError('ECONNREFUSED', { syscall: 'connect' }),
      ErrorCode.NETWORK,
      'connection refused by api.example.test:8443',
    ],
    [
      'ECONNRESET',
      nodeError('ECONNRESET', { syscall: 'read' }),
      ErrorCode.NETWORK,
      'connection reset by api.example.test:8443',
    ],
    [
      'ECONNRESET',
      nodeError('UND_ERR_SOCKET'),
      ErrorCode.NETWORK,
      'connection closed by api.example.test:8443 before the response was complete',
    ],
    [
      'ENOTFOUND',
      nodeError('ENOTFOUND', { syscall: 'getaddrinfo' }),
      ErrorCode.NETWORK,
      'DNS lookup failed for api.example.test',
    ],
    [
      'EAI_AGAIN',
      nodeError('EAI_AGAIN', { syscall: 'getaddrinfo' }),
      ErrorCode.NETWORK,
      'DNS lookup failed for api.example.test (temporary failure, try again)',
    ],
    [
      'EHOSTUNREACH',
      nodeError('EHOSTUNREACH', { syscall: 'connect' }),
      ErrorCode.NETWORK,
      'host unreachable: api.example.test:8443 (EHOSTUNREACH)',
    ],
    [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      nodeError('DEPTH_ZERO_SELF_SIGNED_CERT'),
      ErrorCode.TLS,
      'TLS: certificate is self-signed and not trusted (set cacert or verify_ssl: false)',
    ],
    [
      'SELF_SIGNED_CERT_IN_CHAIN',
      nodeError('SELF_SIGNED_CERT_IN_CHAIN'),
      ErrorCode.TLS,
      'TLS: certificate is self-signed and not trusted (set cacert or verify_ssl: false)',
    ],
    [
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      nodeError('UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
      ErrorCode.TLS,
      'TLS: certificate is issued by an unknown authority (set cacert or verify_ssl: false)',
    ],
    [
      'CERT_HAS_EXPIRED',
      nodeError('CERT_HAS_EXPIRED'),
      ErrorCode.TLS,
      'TLS: certificate has expired',
    ],
    [
      'ERR_TLS_CERT_ALTNAME_INVALID',
      nodeError('ERR_TLS_CERT_ALTNAME_INVALID'),
      ErrorCode.TLS,
      'TLS: certificate name does not match host api.example.test',
    ],
    [
      'ERR_SSL_WRONG_VERSION_NUMBER',
      nodeError('ERR_SSL_WRONG_VERSION_NUMBER'),
      ErrorCode.TLS,
      'TLS: handshake with api.example.test failed (ERR_SSL_WRONG_VERSION_NUMBER)',
    ],
    [
      'UND_ERR_CLOSED',
      nodeError('UND_ERR_CLOSED'),
      ErrorCode.ABORTED,
      'request aborted: the transport was closed',
    ],
  ])('%s caused by %s', (code, cause, expected, message) => {
    const error = axiosError(code, cause);
    const classified = classifyError(error);
    expect(classified).toBeInstanceOf(TaskError);
    expect(classified.code).toBe(expected);
    expect(classified.message).toBe(message);
    expect(classified.cause).toBe(error);
    expect(classified.message).not.toContain('s3cr3t');
  });

  it('names the host from the config when the request summary is missing', () => {
    const error = new AxiosError('refused', 'ECONNREFUSED', config);
    error.cause = nodeError('ECONNREFUSED');
    expect(classifyError(error).message).toBe('connection refused by api.example.test:8443');
  });

  it('leaves the limit out when it is unknown', () => {
    const error = new AxiosError('t', 'ETIMEDOUT', { ...config, taskrest: undefined });
    error.cause = nodeError('UND_ERR_CONNECT_TIMEOUT');
    expect(classifyError(error).message).toBe(
      'connect timeout: no connection to api.example.test:8443',
    );
  });

  it("treats axios' own timeout as the total timeout", () => {
    const error = new AxiosError('timeout of 500ms exceeded', 'ECONNABORTED', {
      ...config,
      taskrest: undefined,
      timeout: 500,
    });
    expect(classifyError(error).code).toBe(ErrorCode.TOTAL_TIMEOUT);
    expect(classifyError(error).message).toContain('within 0.5 s');
  });

  it('a refused status is UNEXPECTED_STATUS and its response is reachable', () => {
    const response = {
      status: 503,
      statusText: 'Service Unavailable',
      headers: {},
      config,
      data: Buffer.from(''),
    };
    const error = new AxiosError('x', 'ERR_BAD_RESPONSE', config, {}, response);
    const classified = classifyError(error);
    expect(classified.code).toBe(ErrorCode.UNEXPECTED_STATUS);
    expect(classified.message).toBe('unexpected status 503 Service Unavailable');
    expect(responseOf(error)).toBe(response);
    expect(responseOf(classified)).toBe(response);
    expect(responseOf(new Error('x'))).toBeUndefined();
  });

  it('cancellation is ABORTED', () => {
    const error = new AxiosError('canceled', 'ERR_CANCELED', config);
    expect(classifyError(error).code).toBe(ErrorCode.ABORTED);
  });

  it('returns a TaskError unchanged', () => {
    const error = new TaskError(ErrorCode.GRANT, 'grant "x" is unknown');
    expect(classifyError(error)).toBe(error);
  });

  it('classifies raw Node errors too, and anything else as INTERNAL', () => {
    expect(classifyError(nodeError('ECONNREFUSED', { syscall: 'connect' })).message).toBe(
      'connection refused by the server',
    );
    expect(classifyError(nodeError('ETIMEDOUT', { syscall: 'connect' })).code).toBe(
      ErrorCode.CONNECT_TIMEOUT,
    );
    const internal = classifyError('something odd');
    expect(internal.code).toBe(ErrorCode.INTERNAL);
    expect(internal.message).toBe('something odd');
  });
});

describe('isRetryableNetworkError', () => {
  const cases: [string, string, boolean, boolean][] = [
    // axios code, cause code, retryable for any method, retryable when idempotent
    ['ECONNREFUSED', 'ECONNREFUSED', true, true],
    ['EAI_AGAIN', 'EAI_AGAIN', true, true],
    ['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', true, true],
    ['ECONNRESET', 'ECONNRESET', false, true],
    ['ECONNRESET', 'UND_ERR_SOCKET', false, true],
    ['EPIPE', 'EPIPE', false, true],
    ['ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', false, true],
    ['ETIMEDOUT', 'UND_ERR_BODY_TIMEOUT', false, true],
    ['ECONNABORTED', TransportErrorCode.TOTAL_TIMEOUT, false, true],
    ['ENOTFOUND', 'ENOTFOUND', false, false],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'DEPTH_ZERO_SELF_SIGNED_CERT', false, false],
    ['ERR_BAD_RESPONSE', TransportErrorCode.RESPONSE_TOO_LARGE, false, false],
  ];

  it.each(cases)('%s (%s)', (code, causeCode, any, idempotent) => {
    const error = axiosError(code, nodeError(causeCode));
    expect(isRetryableNetworkError(error)).toBe(any);
    expect(isRetryableNetworkError(error, true)).toBe(idempotent);
    expect(isRetryableNetworkError(classifyError(error), true)).toBe(idempotent);
  });

  it('a kernel connect timeout is retried for any method, a kernel read timeout only when idempotent', () => {
    const connect = axiosError('ETIMEDOUT', nodeError('ETIMEDOUT', { syscall: 'connect' }));
    expect(isRetryableNetworkError(connect)).toBe(true);
    expect(classifyError(connect).code).toBe(ErrorCode.CONNECT_TIMEOUT);
    const read = axiosError('ETIMEDOUT', nodeError('ETIMEDOUT', { syscall: 'read' }));
    expect(isRetryableNetworkError(read)).toBe(false);
    expect(isRetryableNetworkError(read, true)).toBe(true);
  });

  it('never for a response or a cancellation', () => {
    const error = new AxiosError(
      'x',
      'ERR_BAD_RESPONSE',
      config,
      {},
      {
        status: 503,
        statusText: '',
        headers: {},
        config,
        data: null,
      },
    );
    expect(isRetryableNetworkError(error, true)).toBe(false);
    expect(isRetryableNetworkError(new AxiosError('c', 'ERR_CANCELED', config), true)).toBe(false);
  });
});
