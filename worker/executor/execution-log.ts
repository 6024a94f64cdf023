import { isoTimestamp } from './iso-timestamp.js';

/**
 * The `log` of an execution: one line per notable step. Lines are kept for the
 * output and handed to a sink (the job's BullMQ log) as they happen.
 */
export class ExecutionLog {
  readonly lines: string[] = [];
  readonly #sink: (line: string) => void;
  readonly #now: () => number;

  /** `earlier`: the lines of a parked execution taken up again (its sink already has them). */
  constructor(
    sink: (line: string) => void = () => undefined,
    now: () => number = Date.now,
    earlier: readonly string[] = [],
  ) {
    this.#sink = sink;
    this.#now = now;
    this.lines.push(...earlier);
  }

  add(message: string): void {
    const line = `${isoTimestamp(this.#now())} ${message}`;
    this.lines.push(line);
    this.#sink(line);
  }
}
