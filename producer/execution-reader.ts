import { Job, type Queue } from 'bullmq';
import { isCallbackId, outputOfFailure } from '../shared/callback.js';
import { ExecutionState, isFinished, type Execution } from '../shared/execution.js';
import { splitJobData } from '../shared/job-envelope.js';
import { executionIdOf, type TaskOutput } from '../shared/output.js';
import { redactTask } from '../shared/redact.js';
import { wholeOutput, type StoredOutput } from '../shared/stored-output.js';
import { OUTPUT_FIELD } from '../shared/task-queue.js';
import { CompletionWaiter } from './completion-waiter.js';
import type { QueueOption, WaitOptions } from './execution-options.js';
import type { ProducerContext } from './producer-context.js';

/** How often a wait reads the state again at least, in case an event was missed. */
const REREAD_MS = 1000;

/**
 * Reads executions back, as BullMQ's QueueGetters does jobs: one execution's
 * state and output (a failed one's too), and waits for one to finish. The
 * waits of a queue share one event stream (a CompletionWaiter), made at its
 * first wait and closed with the producer.
 */
export class ExecutionReader {
  readonly #context: ProducerContext;
  /** One event stream per queue waited on, by queue name. */
  readonly #waiters = new Map<string, CompletionWaiter>();

  constructor(context: ProducerContext) {
    this.#context = context;
  }

  /** The execution's state and, once finished, its output; null when unknown. */
  async get(executionId: number | string, { queue }: QueueOption = {}): Promise<Execution | null> {
    const bullQueue = this.#context.queueOf(queue);
    return this.#context.withRedis(() => this.#read(bullQueue, String(executionId)));
  }

  /**
   * The task as enqueued, with every secret redacted as the dashboard and
   * schedules show it (`redactTask`); null when the execution is unknown.
   * The stored task holds placeholders for sealed secrets already: this is
   * a second line for jobs written by others.
   */
  async task(
    executionId: number | string,
    { queue }: QueueOption = {},
  ): Promise<Record<string, unknown> | null> {
    const bullQueue = this.#context.queueOf(queue);
    return this.#context.withRedis(async () => {
      const job = await Job.fromId(bullQueue, String(executionId));
      if (!job) return null;
      const shown = redactTask(splitJobData(job.data).task);
      return shown !== null && typeof shown === 'object' && !Array.isArray(shown)
        ? (shown as Record<string, unknown>)
        : null;
    });
  }

  /**
   * Waits until the execution finished or `timeoutMs` passed, then returns it
   * as `get` would (its state tells which). Null when unknown.
   */
  async waitFor(
    executionId: number | string,
    { queue: name, timeoutMs = 30_000 }: WaitOptions = {},
  ): Promise<Execution | null> {
    const queue = this.#context.queueOf(name).name;
    const deadline = Date.now() + timeoutMs;
    const finished = this.#waiterOf(queue).waitFor(String(executionId), timeoutMs);
    try {
      for (;;) {
        const current = await this.get(executionId, { queue });
        const left = deadline - Date.now();
        if (!current || isFinished(current.state) || left <= 0) return current;
        // Events are the fast path; the state is read again in case an event
        // was missed while the event stream connected.
        await Promise.race([finished.promise, sleep(Math.min(left, REREAD_MS))]);
      }
    } finally {
      finished.cancel();
    }
  }

  /** Closes every event stream (a wait still running ends then, as on its timeout). */
  async close(): Promise<void> {
    await Promise.all([...this.#waiters.values()].map((waiter) => waiter.close()));
  }

  async #read(queue: Queue, id: string): Promise<Execution | null> {
    // State first, then the job: a job read before its state could still be
    // active in the hash and completed in the state, with no return value yet.
    const state = await queue.getJobState(id);
    if (state === ExecutionState.UNKNOWN) return null;
    const job = await Job.fromId<unknown, StoredOutput>(queue, id);
    if (!job) return null;
    const execution: Execution = { execution_id: executionIdOf(job.id), queue: queue.name, state };
    if (state === ExecutionState.COMPLETED) execution.output = wholeOutput(job.returnvalue, job.id);
    if (state === ExecutionState.FAILED) execution.output = await this.#failedOutput(queue, job);
    if (job.parent && isCallbackId(job.parent.id)) {
      execution.callback_execution_id = job.parent.id;
    }
    return execution;
  }

  /** A failed job's output, or one made from its reason when the worker could not write one (it died). */
  async #failedOutput(queue: Queue, job: Job<unknown, StoredOutput>): Promise<TaskOutput> {
    const key = this.#context.jobKeyOf(queue.name, job.id ?? '');
    const stored = await this.#context.connection.hget(key, OUTPUT_FIELD);
    if (stored) return wholeOutput(JSON.parse(stored) as StoredOutput, job.id);
    return outputOfFailure(executionIdOf(job.id), job.failedReason);
  }

  /** The queue's event stream, made at its first wait. */
  #waiterOf(queueName: string): CompletionWaiter {
    let waiter = this.#waiters.get(queueName);
    if (!waiter) {
      // The waiter blocks on the event stream: a connection of its own, never the fail-fast one.
      waiter = new CompletionWaiter(this.#context.blockingConnection(), {
        queueName,
        prefix: this.#context.bullPrefixOf(queueName),
      });
      this.#waiters.set(queueName, waiter);
    }
    return waiter;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
