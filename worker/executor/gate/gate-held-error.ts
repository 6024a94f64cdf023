import { ErrorCode } from '../../../shared/errors/error-codes.js';
import { TaskError } from '../../../shared/errors/task-error.js';
import type { GateHold } from '../request-gate.js';

/**
 * What the gated adapter throws when the destinations' gate says "not now":
 * nothing was sent. Not a failure of the execution (no attempt is used, no
 * retry is planned for it): the executor parks the execution until `hold.until`.
 * It carries no axios config, so axios-retry passes it through untouched.
 * Code HELD.
 */
export class GateHeldError extends TaskError {
  override readonly name = 'GateHeldError';
  /** The number of the retry the held request was (0: a first attempt), as its run numbers it. */
  dueRetry = 0;

  /**
   * @param hold What the gate answered.
   * @param retryCount The request's axios-retry count: 0 for the first attempt of a hop.
   */
  constructor(
    readonly hold: GateHold,
    readonly retryCount: number,
  ) {
    super(ErrorCode.HELD, hold.message);
  }
}
