import { OutputStatus, type TaskOutput } from '../../shared/output.js';
import { buildOutput, NO_RESPONSE } from './build-output.js';
import { isParked, type ExecutionResult, type ParkResult } from './execution-result.js';

/** The message of every cancelled execution's output and failure. */
export const CANCELLED_MESSAGE = 'cancelled';

/**
 * The output of a cancelled execution: status error, message `cancelled`,
 * and what it had logged (and received) so far, with a last line naming
 * who cancelled it. `result` is what the aborted run ended with; null when
 * it never ran (a cancelled job taken up again).
 */
export function cancelledOutput(
  executionId: number | string,
  result: ExecutionResult | ParkResult | null,
  by: string,
  logLine: (message: string) => string,
): { output: TaskOutput; line: string } {
  const line = logLine(`cancelled by ${by}`);
  const earlier =
    result === null ? [] : isParked(result) ? [...result.parked.log] : [...result.output.log];
  const base =
    result && !isParked(result)
      ? result.output
      : buildOutput({
          executionId,
          status: OutputStatus.ERROR,
          message: CANCELLED_MESSAGE,
          response: NO_RESPONSE,
          cookies: {},
          log: [],
        });
  return {
    output: {
      ...base,
      status: OutputStatus.ERROR,
      message: CANCELLED_MESSAGE,
      log: [...earlier, line],
    },
    line,
  };
}
