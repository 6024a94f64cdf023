/**
 * Codes of the errors the transport itself raises (the `cause` of the
 * AxiosError the adapter rejects with). undici's and Node's own codes
 * (`UND_ERR_*`, `ECONNREFUSED`, TLS codes) are passed on unchanged.
 */
export const TransportErrorCode = {
  /** The whole attempt took longer than `totalTimeoutMs`. */
  TOTAL_TIMEOUT: 'TASKREST_TOTAL_TIMEOUT',
  /** The decompressed response body grew past `maxResponseBytes`. */
  RESPONSE_TOO_LARGE: 'TASKREST_RESPONSE_TOO_LARGE',
} as const;

export type TransportErrorCode = (typeof TransportErrorCode)[keyof typeof TransportErrorCode];

/** An error raised by the transport, with a stable code and the limit that was passed. */
export class TransportError extends Error {
  override readonly name = 'TransportError';

  constructor(
    readonly code: TransportErrorCode,
    message: string,
    /** The limit that was exceeded: milliseconds or bytes, depending on `code`. */
    readonly limit: number,
  ) {
    super(message);
  }
}
