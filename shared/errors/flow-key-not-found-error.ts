import { ErrorCode } from './error-codes.js';
import { TaskrestError } from './taskrest-error.js';

/** A flow key not seen in the last 24 hours and without settings of an operator. */
export class FlowKeyNotFoundError extends TaskrestError {
  override readonly name = 'FlowKeyNotFoundError';
  declare readonly code: typeof ErrorCode.FLOW_KEY_NOT_FOUND;

  constructor(readonly flowKey: string) {
    super(ErrorCode.FLOW_KEY_NOT_FOUND, `no flow key ${flowKey}`);
  }
}
