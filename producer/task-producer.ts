import type { Job, JobsOptions, Queue } from 'bullmq';
import { loadConfig } from '../shared/config.js';
import type { Execution, ExecutionState } from '../shared/execution.js';
import { createFilesStore, type FilesStore } from '../shared/files/files-store.js';
import { executionIdOf } from '../shared/output.js';
import { waitForRedis } from '../shared/redis-connection.js';
import type { TaskInput } from '../shared/task-schema.js';
import type { ExecutionFilter } from '../shared/history/execution-filter.js';
import type { ExecutionHistory } from '../shared/history/execution-history.js';
import type { ExecutionSummary } from '../shared/history/execution-record.js';
import { isOtherAdd } from './add-mark.js';
import type { BulkItem, EnqueueOptions } from './enqueue-options.js';
import { initialStateOf, type BulkEnqueued, type Enqueued } from './enqueued.js';
import {
  ExecutionControl,
  type Cancelled,
  type Removed,
  type Retried,
  type RetriedCount,
} from './execution-control.js';
import type {
  CancelOptions,
  QueueOption,
  RetryFailedOptions,
  WaitOptions,
} from './execution-options.js';
import { listExecutions } from './execution-list.js';
import { ExecutionReader } from './execution-reader.js';
import { JobDataBuilder } from './job-data-builder.js';
import { ProducerContext } from './producer-context.js';
import { DestinationAdmin } from './destination-admin.js';
import { FlowKeyAdmin } from './flow-key-admin.js';
import { QueueAdmin } from './queue-admin.js';
import { RedisHistory } from './redis-history.js';
import { ScheduleAdmin } from './schedule-admin.js';
import {
  producerOptionsOf,
  resolveProducerOptions,
  type TaskProducerOptions,
} from './task-producer-options.js';

// The API and the CLI import the enqueue options with TaskProducer, from here.
export type { BulkItem, EnqueueOptions } from './enqueue-options.js';

/**
 * The typed producer any Node service can import. It validates tasks before
 * they reach Redis, enqueues them as BullMQ jobs, and reads executions back.
 * Configured like BullMQ's `Queue`; see {@link TaskProducerOptions}.
 *
 * It is the front of a few parts sharing one {@link ProducerContext} (the
 * connection, the BullMQ queues, the queue registry): the job-data builder
 * turns tasks into jobs, the execution reader reads and waits for them, the
 * execution control cancels, replays and removes them, and the `queues`,
 * `schedules`, `destinations` and `flowKeys` admins. Enqueueing itself, the one write, stays here.
 *
 * @example
 * const producer = new TaskProducer({ redisUrl: 'redis://127.0.0.1:6379', queue: 'rest-tasks' });
 * const { executionId } = await producer.enqueue({ url: 'https://example.com/' });
 * const execution = await producer.waitForResult(executionId, { timeoutMs: 30_000 });
 * await producer.close();
 */
export class TaskProducer {
  /** The files resource (multipart file parts), shared with every worker through Redis. */
  readonly files: FilesStore;
  /** List, create, limit, pause, resume and remove queues. */
  readonly queues: QueueAdmin;
  /** List, create or replace, and remove schedules (recurring enqueues of one task). */
  readonly schedules: ScheduleAdmin;
  /** List destinations with their live state; limit, pause, resume, close the circuit of and reset one. */
  readonly destinations: DestinationAdmin;
  /** List flow keys; limit, pause, resume and reset one. */
  readonly flowKeys: FlowKeyAdmin;
  /**
   * Where the executions that ended are listed from: the `history` option,
   * or (without it) what Redis still holds (`source: 'redis'`).
   */
  readonly history: ExecutionHistory;
  readonly #context: ProducerContext;
  readonly #jobs: JobDataBuilder;
  readonly #reader: ExecutionReader;
  readonly #control: ExecutionControl;

  /**
   * Defaults first, then `options` over them, checked: a bad option throws a
   * ConfigError (code INVALID_CONFIG) naming it. Connects lazily.
   */
  constructor(options: TaskProducerOptions = {}) {
    const settings = resolveProducerOptions(options);
    this.#context = new ProducerContext(settings);
    const { connection } = this.#context;
    this.files = createFilesStore(connection, settings, () => waitForRedis(connection));
    this.#jobs = new JobDataBuilder(this.#context, this.files);
    this.#reader = new ExecutionReader(this.#context);
    this.#control = new ExecutionControl(this.#context);
    this.queues = new QueueAdmin(this.#context);
    this.schedules = new ScheduleAdmin(this.#context, this.#jobs);
    this.destinations = new DestinationAdmin(this.#context);
    this.flowKeys = new FlowKeyAdmin(this.#context);
    const context = this.#context;
    this.history =
      settings.history ??
      new RedisHistory({
        redis: connection,
        prefix: settings.prefix,
        queueNames: () => context.withRedis(() => context.queueNames()),
      });
  }

  /**
   * A producer configured from environment variables (REDIS_URL,
   * TASKREST_QUEUE, TASKREST_PREFIX, TASKREST_SECRET_KEY, …, as the worker
   * reads them). Throws a ConfigError naming each bad variable.
   */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): TaskProducer {
    return new TaskProducer(producerOptionsOf(loadConfig(env)));
  }

  /**
   * Validates and enqueues one task. Rejects with InvalidTaskError (every bad
   * field named, a multipart file part whose file the files resource does
   * not hold too), TaskTooLargeError, or RedisUnavailableError; in each case
   * nothing was stored. Rejects with OutcomeUnknownError when the task was
   * sent and Redis did not answer: it may be stored. With a `jobId`, an
   * existing job of that id is kept and returned (`duplicate: true`, with
   * its state now: `completed` for one that ran), so a retry with the same
   * id never makes a second execution.
   */
  async enqueue(task: TaskInput, options: EnqueueOptions = {}): Promise<Enqueued> {
    const queue = this.#context.queueOf(options.queue);
    const { job: built, flow } = await this.#jobs.one(queue.name, task, options);
    const { opts } = built;
    const add = async (): Promise<Job> =>
      flow === undefined
        ? queue.add(built.name, built.data, opts)
        : (await this.#context.addFlows([flow]))[0]!;
    const job = await this.#context.withRedis(() => this.#context.registeredWith(queue.name, add), {
      effect: 'write',
      executionId: opts.jobId,
    });
    const executionId = executionIdOf(job.id);
    const made = { executionId, queue: queue.name, state: initialStateOf(opts) };
    if (opts.jobId === undefined) return made;
    const found = await this.#foundState(queue, job, opts);
    // A job of that id existed: the answer is that execution as it is now.
    return found === undefined
      ? { ...made, duplicate: false }
      : { ...made, state: found, duplicate: true };
  }

  /**
   * Enqueues many tasks at once, all or nothing: when one is invalid, none is
   * stored and the error names its index (`3.url: …`, `1.priority: …`).
   * Each entry is a task, or an item `{ task, delay?, runAt?, priority?,
   * jobId? }` whose options go over `options` (the defaults of every item).
   * An item's `jobId` works as in `enqueue`: a known one returns its
   * execution and stores nothing new. Redis errors as `enqueue`.
   */
  async enqueueBulk(
    entries: readonly (TaskInput | BulkItem)[],
    options: EnqueueOptions = {},
  ): Promise<BulkEnqueued[]> {
    const queue = this.#context.queueOf(options.queue);
    const { jobs, flows } = await this.#jobs.bulk(queue.name, entries, options);
    const addAll = (): Promise<Job[]> =>
      flows === undefined ? queue.addBulk([...jobs]) : this.#context.addFlows(flows);
    const added = await this.#context.withRedis(
      () => this.#context.registeredWith(queue.name, addAll),
      { effect: 'write' },
    );
    return Promise.all(
      added.map(async (job, index) => {
        const { opts } = jobs[index]!;
        return {
          executionId: executionIdOf(job.id),
          queue: queue.name,
          // A known jobId's execution is whatever it has become since.
          state:
            opts.jobId === undefined
              ? initialStateOf(opts)
              : await this.#context.withRedis(() => queue.getJobState(job.id ?? '')),
        };
      }),
    );
  }

  /**
   * Cancels an execution: a running one is aborted wherever it runs (within
   * 2 s) and ends failed with message `cancelled`, its log naming `by`
   * (default `library`); one that has not started (waiting, delayed,
   * prioritized, parked for a retry) is removed. Throws
   * ExecutionNotFoundError, or AlreadyFinishedError for a finished one.
   */
  cancel(executionId: number | string, options: CancelOptions = {}): Promise<Cancelled> {
    return this.#control.cancel(executionId, options);
  }

  /**
   * Runs a failed execution again under the same id, from the start (new
   * deadline, attempts from 1, its earlier output replaced). Throws
   * ExecutionNotFoundError, or NotFailedError when it is not failed.
   */
  retry(executionId: number | string, options: QueueOption = {}): Promise<Retried> {
    return this.#control.retry(executionId, options);
  }

  /** Runs every failed execution of the queue (that failed at or after `since`) again; resolves with how many. */
  retryFailed(options: RetryFailedOptions = {}): Promise<RetriedCount> {
    return this.#control.retryFailed(options);
  }

  /** The execution's state and, once finished, its output; null when unknown. */
  getExecution(executionId: number | string, options: QueueOption = {}): Promise<Execution | null> {
    return this.#reader.get(executionId, options);
  }

  /**
   * The execution's task as enqueued, its secrets redacted (credential
   * headers, cookies, URL credentials, credential-like params and form
   * fields); null when the execution is unknown.
   */
  getTask(
    executionId: number | string,
    options: QueueOption = {},
  ): Promise<Record<string, unknown> | null> {
    return this.#reader.task(executionId, options);
  }

  /**
   * Waits until the execution finished or `timeoutMs` passed, then returns it
   * as `getExecution` would (its state tells which). Null when unknown.
   */
  waitForResult(
    executionId: number | string,
    options: WaitOptions = {},
  ): Promise<Execution | null> {
    return this.#reader.waitFor(executionId, options);
  }

  /**
   * The executions that ended, newest first, as an async iterable that
   * reads a page at a time (following `next_cursor`): from the `history`
   * option, else from what Redis still holds. `filter` takes the names of
   * `GET /api/executions`' parameters (`queue`, `state`, `origin`,
   * `status_code`, `method`, `flow_key`, `schedule`, `since`, `until` (an
   * ISO time, a Date, or `1h` back from now), `q`, `limit`: the page size,
   * `cursor`); a bad or unknown key throws InvalidOptionsError at once.
   *
   * @example
   * for await (const execution of producer.listExecutions({ state: 'failed', since: '1h' })) {
   *   console.log(execution.execution_id, execution.message);
   * }
   */
  listExecutions(filter: ExecutionFilter = {}): AsyncIterable<ExecutionSummary> {
    return listExecutions(this.history, filter);
  }

  /**
   * Removes an execution that is not running (waiting, delayed, prioritized,
   * or finished, with its output). `active` when it runs now and was kept,
   * `unknown` when there is no such execution.
   */
  remove(executionId: number | string, options: QueueOption = {}): Promise<Removed> {
    return this.#control.remove(executionId, options);
  }

  /**
   * Closes the queue and every connection this producer opened; a
   * `connection` given in the options stays open (it is the caller's).
   */
  async close(): Promise<void> {
    await this.#reader.close();
    await this.#context.close();
  }

  /**
   * The state of the job `add` found under its id (BullMQ kept it and stored
   * nothing), or undefined when the add made the job: the options stored
   * under the id are this add's own (see add-mark.ts). A failed read says
   * undefined: the job is stored either way.
   */
  async #foundState(
    queue: Queue,
    job: Job,
    opts: JobsOptions,
  ): Promise<ExecutionState | undefined> {
    const id = job.id ?? '';
    const key = this.#context.jobKeyOf(queue.name, id);
    try {
      const stored = await this.#context.withRedis(() =>
        this.#context.connection.hget(key, 'opts'),
      );
      if (!isOtherAdd(stored, opts)) return undefined;
      return await this.#context.withRedis(() => queue.getJobState(id));
    } catch {
      return undefined;
    }
  }
}
