import { ErrorCode } from '../errors/error-codes.js';
import { TaskError } from '../errors/task-error.js';

/**
 * The outbound policy refused a destination. Raised before a request to an
 * IP literal, and from the connect-time DNS lookup for names (where it
 * reaches the executor as the `cause` of an AxiosError). Never retried.
 */
export class DestinationDeniedError extends TaskError {
  override readonly name = 'DestinationDeniedError';
  /** The code Node and undici pass on from a failed lookup, as they do for ENOTFOUND. */
  declare readonly code: typeof ErrorCode.DESTINATION_DENIED;

  constructor(
    /** What was refused: `169.254.169.254`, `metadata.test resolves to 169.254.169.254`. */
    readonly destination: string,
    /** Why: `cloud metadata`, `TASKREST_OUTBOUND_DENY_HOSTS *.example.com`. */
    readonly reason: string,
  ) {
    super(
      ErrorCode.DESTINATION_DENIED,
      `destination denied by the outbound policy: ${destination} (${reason})`,
    );
  }
}
