import { ErrorCode } from '../../../shared/errors/error-codes.js';
import { TaskrestError } from '../../../shared/errors/taskrest-error.js';

/**
 * Codes of the errors the transport itself raises (the `cause` of the
 * AxiosError the adapter rejects with): the execution codes they become.
 * undici's and Node's own codes (`UND_ERR_*`, `ECONNREFUSED`, TLS codes) are
 * passed on unchanged and never collide with these.
 */
export const TransportErrorCode = {
  /** The whole attempt took longer than `totalTimeoutMs`. */
  TOTAL_TIMEOUT: ErrorCode.TOTAL_TIMEOUT,
  /** The decompressed response body grew past `maxResponseBytes`. */
  RESPONSE_TOO_LARGE: ErrorCode.RESPONSE_TOO_LARGE,
} as const;

export type TransportErrorCode = (typeof TransportErrorCode)[keyof typeof TransportErrorCode];

/** An error raised by the transport, with a stable code and the limit that was passed. */
export class TransportError extends TaskrestError {
  override readonly name = 'TransportError';
  declare readonly code: TransportErrorCode;

  constructor(
    code: TransportErrorCode,
    message: string,
    /** The limit that was exceeded: milliseconds or bytes, depending on `code`. */
    readonly limit: number,
  ) {
    super(code, message);
  }
}
