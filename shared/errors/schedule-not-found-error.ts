import { ErrorCode } from './error-codes.js';
import { TaskrestError } from './taskrest-error.js';

/** No schedule of that id exists (in any queue). */
export class ScheduleNotFoundError extends TaskrestError {
  override readonly name = 'ScheduleNotFoundError';
  declare readonly code: typeof ErrorCode.SCHEDULE_NOT_FOUND;

  constructor(readonly id: string) {
    super(ErrorCode.SCHEDULE_NOT_FOUND, `no schedule ${id}`);
  }
}
