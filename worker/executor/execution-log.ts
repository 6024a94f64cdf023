import { isoTimestamp } from './iso-timestamp.js';

/**
 * The `log` of an execution: one line per notable step. Lines are kept for the
 * output and handed to a sink (the job's BullMQ log) as they happen.
 */
export class ExecutionLog {
  readonly lines: string[] = [];

  /** `earlier`: the lines of a parked execution taken up again (its sink already has them). */
  constructor(
    private readonly sink: (line: string) => void = () => undefined,
    private readonly now: () => number = Date.now,
    earlier: readonly string[] = [],
  ) {
    this.lines.push(...earlier);
  }

  add(message: string): void {
    const line = `${isoTimestamp(this.now())} ${message}`;
    this.lines.push(line);
    this.sink(line);
  }
}
