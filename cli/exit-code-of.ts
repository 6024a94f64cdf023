import { isFinished, type Execution } from '../shared/execution.js';
import { OutputStatus } from '../shared/output.js';
import { ExitCode } from './command.js';

/**
 * 0 output status success, 1 output status error, 3 still not finished
 * (docs/cli.md; `status` of an unknown id exits 4: ExitCode.NO_SUCH_EXECUTION).
 */
export function exitCodeOf(execution: Execution): number {
  if (!isFinished(execution.state) || !execution.output) return ExitCode.NOT_FINISHED;
  return execution.output.status === OutputStatus.SUCCESS ? ExitCode.SUCCESS : ExitCode.ERROR;
}

export function printJson(stream: NodeJS.WritableStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}
