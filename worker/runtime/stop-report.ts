import type { Logger } from '../../shared/logger.js';
import type { ExecutionOutcome } from './execution-outcome.js';
import type { RunningExecution, RunningExecutions } from './running-executions.js';
import { parseRunKey } from './worker-group.js';

/** One execution as a stopping worker's log lines name it. */
export interface NamedExecution {
  readonly queue: string;
  readonly id: string;
  /** When this worker started running it (ISO 8601). */
  readonly since: string;
}

/** An execution's queue, id and start, for a log line. */
export function namedExecution(execution: RunningExecution): NamedExecution {
  const { queueName, jobId } = parseRunKey(execution.jobId);
  return { queue: queueName, id: jobId, since: new Date(execution.since).toISOString() };
}

/**
 * What a stopping worker says, so that an operator watching a stop (a
 * deploy, a scale-down) knows what it waits for and until when: the
 * executions running as the stop begins (queue, id, since when) and the
 * grace period; then each execution as it ends (how) or is handed back; when
 * the grace period runs out, those still running; and the end of the wait.
 */
export class StopReport {
  readonly #logger: Logger;
  readonly #executions: RunningExecutions;
  readonly #counts = new Map<ExecutionOutcome, number>();
  #stopListening: (() => void) | undefined;

  constructor(logger: Logger, executions: RunningExecutions) {
    this.#logger = logger;
    this.#executions = executions;
  }

  /** The stop begins: names what it waits for and how long at most; follows each end. */
  begin(graceMs: number): void {
    const running = this.#executions.list().map(namedExecution);
    const graceSeconds = graceMs / 1000;
    if (running.length === 0) {
      this.#logger.info('no execution running: nothing to wait for', { graceSeconds });
    } else {
      this.#logger.info('waiting for running executions', {
        graceSeconds,
        until: new Date(Date.now() + graceMs).toISOString(),
        executions: running,
      });
    }
    this.#stopListening = this.#executions.onEnd((execution, outcome) => {
      this.#counts.set(outcome, (this.#counts.get(outcome) ?? 0) + 1);
      const fields = { ...namedExecution(execution), outcome };
      if (outcome === 'handed back') this.#logger.info('execution handed back', fields);
      else this.#logger.info('execution ended while stopping', fields);
    });
  }

  /** The grace period is over: names the executions about to be aborted and handed back. */
  expired(): void {
    this.#logger.warn('grace period over: aborting running jobs and handing them back', {
      executions: this.#executions.list().map(namedExecution),
    });
  }

  /** The wait is over (every execution ended or was handed back): how many went each way. */
  end(): void {
    this.#stopListening?.();
    this.#stopListening = undefined;
    if (this.#counts.size === 0) return;
    this.#logger.info('done waiting: every execution ended or was handed back', {
      outcomes: Object.fromEntries(this.#counts),
    });
  }
}
