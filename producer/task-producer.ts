import { randomUUID } from 'node:crypto';
import { FlowProducer, Job, Queue, type FlowJob, type JobsOptions } from 'bullmq';
import { loadConfig } from '../shared/config.js';
import { TaskTooLargeError } from '../shared/errors/task-too-large-error.js';
import { ExecutionState, isFinished, type Execution } from '../shared/execution.js';
import { executionIdOf, type TaskOutput } from '../shared/output.js';
import { checkTask } from '../shared/parse-task.js';
import { InvalidTaskError, type ValidationIssue } from '../shared/errors/invalid-task-error.js';
import { InvalidOptionsError } from '../shared/errors/invalid-options-error.js';
import {
  createRedis,
  duplicateForBlocking,
  waitForRedis,
  withRedis,
  type RedisClient,
} from '../shared/redis-connection.js';
import { wholeOutput, type StoredOutput } from '../shared/stored-output.js';
import { defaultJobOptions, jobKey, OUTPUT_FIELD, TASK_JOB_NAME } from '../shared/task-queue.js';
import { bullPrefixOf } from '../shared/queue-keys.js';
import { queueRegistry } from '../shared/queue-registry.js';
import { checkQueueName } from '../shared/queue-settings.js';
import { QueueAdmin } from './queue-admin.js';
import { ExecutionControl, type Cancelled } from './execution-control.js';
import { jobTimingOf, type JobTiming } from './job-timing.js';
import { ScheduleAdmin } from './schedule-admin.js';
import type { TaskInput } from '../shared/task-schema.js';
import { createFilesStore, type FilesStore } from '../shared/files/files-store.js';
import { joinJobData, type JobMeta } from '../shared/job-envelope.js';
import { createKeyRing, type SecretKey } from '../shared/secrets/key-ring.js';
import { sealTask } from '../shared/secrets/seal-task.js';
import { captureTraceContext, type TraceCarrier } from '../shared/tracing/trace-carrier.js';
import { CompletionWaiter } from './completion-waiter.js';
import { callbackFlow, callbackTask } from './callback-flow.js';
import { isCallbackId, outputOfFailure } from '../shared/callback.js';
import { enqueueOptionsSchema } from '../shared/enqueue-options.js';
import {
  producerOptionsOf,
  resolveProducerOptions,
  type ProducerSettings,
  type TaskProducerOptions,
} from './task-producer-options.js';

/**
 * BullMQ job options a producer may pass through.
 * @see https://docs.bullmq.io/guide/jobs
 */
export type EnqueueOptions = Pick<
  JobsOptions,
  'jobId' | 'attempts' | 'backoff' | 'removeOnComplete' | 'removeOnFail' | 'lifo'
> &
  JobTiming & {
    /** The queue to enqueue to (created when it does not exist). @defaultValue the producer's `queue` */
    queue?: string;
    /** Who enqueues (the API's bearer token holder): the user of `pass_user_token` tokens. */
    user?: string;
    /**
     * The W3C trace context the execution continues (the worker's spans are its
     * children, the target gets it as `traceparent`). Default: the active
     * OpenTelemetry context's span, when there is one.
     */
    traceContext?: TraceCarrier;
    /**
     * An http(s) URL that taskrest POSTs the signed result to once the
     * execution ended (completed or failed, after all its retries), as an
     * execution of its own: see docs/callbacks.md. With it, an execution
     * without `jobId` gets a UUID as its id.
     */
    callback?: string;
  };

/** A task of a bulk with options of its own (over the bulk's). */
export interface BulkItem extends JobTiming {
  task: TaskInput;
  /** As `enqueue`'s: the execution id; a known one returns its execution. */
  jobId?: string;
  /** As `enqueue`'s: where the signed result is POSTed once the execution ended. */
  callback?: string;
}

/** An enqueued execution: its id, queue, and state then (waiting, delayed or prioritized). */
export interface Enqueued {
  executionId: number | string;
  queue: string;
  /** `waiting`, `delayed` or `prioritized` (BullMQ's); a known jobId's: its state now. */
  state: string;
}

/**
 * The typed producer any Node service can import. It validates tasks before
 * they reach Redis, enqueues them as BullMQ jobs, and reads executions back.
 * Configured like BullMQ's `Queue`; see {@link TaskProducerOptions}.
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
  readonly #settings: ProducerSettings;
  /** One BullMQ Queue per taskrest queue used so far, by name. */
  readonly #queues = new Map<string, Queue>();
  /** Queues this producer put in the registry (once each, not on every enqueue). */
  readonly #registered = new Set<string>();
  readonly #connection: RedisClient;
  /** Whether `close()` closes the connection: only one the producer created. */
  readonly #ownsConnection: boolean;
  readonly #waiters = new Map<string, CompletionWaiter>();
  readonly #control: ExecutionControl;
  /** Adds executions with a callback (a flow each); made when first needed. */
  #flows: FlowProducer | undefined;
  /** The key that seals task secrets; null without `secretKey`. */
  #sealKey: SecretKey | null | undefined;

  /**
   * Defaults first, then `options` over them, checked: a bad option throws a
   * ConfigError (code INVALID_CONFIG) naming it. Connects lazily.
   */
  constructor(options: TaskProducerOptions = {}) {
    this.#settings = resolveProducerOptions(options);
    this.#ownsConnection = this.#settings.connection === undefined;
    this.#connection = this.#settings.connection ?? createRedis(this.#settings, 'producer');
    // Without a listener, a Redis outage would crash the caller's process.
    if (this.#ownsConnection) this.#connection.on('error', () => undefined);
    this.queues = new QueueAdmin({
      connection: this.#connection,
      prefix: this.#settings.prefix,
      defaultQueue: this.#settings.queueName,
      queueOf: (name) => this.#queueOf(name),
      forget: (name) => this.#registered.delete(name),
    });
    this.#control = new ExecutionControl({
      connection: this.#connection,
      prefix: this.#settings.prefix,
      queueOf: (name) => this.#queueOf(name),
    });
    this.schedules = new ScheduleAdmin({
      connection: this.#connection,
      prefix: this.#settings.prefix,
      defaultQueue: this.#settings.queueName,
      queueOf: (name) => this.#queueOf(name),
      jobDataOf: (task, user) => {
        this.#validate(task);
        return this.#jobData(task, { user });
      },
      registeredWith: (name, write) => this.#registeredWith(name, write),
    });
    this.files = createFilesStore(this.#connection, this.#settings, () =>
      waitForRedis(this.#connection),
    );
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
   * field named), TaskTooLargeError, or RedisUnavailableError; in each case
   * nothing was stored. Rejects with OutcomeUnknownError when the task was
   * sent and Redis did not answer: it may be stored. With a `jobId`, an
   * existing job of that id is kept and returned (`duplicate: true`), so a
   * retry with the same id never makes a second execution.
   */
  async enqueue(
    task: TaskInput,
    options: EnqueueOptions = {},
  ): Promise<Enqueued & { duplicate?: boolean }> {
    const { user, traceContext, queue: name, delay, runAt, priority, callback, ...rest } = options;
    const queue = this.#queueOf(name);
    const jobOptions = { ...rest, ...jobTimingOf({ delay, runAt, priority }) };
    this.#validate(task);
    checkCallback(callback);
    const trace = traceContext ?? captureTraceContext();
    const data = this.#jobData(task, { user, trace });
    const add = (): Promise<Job> =>
      callback === undefined
        ? queue.add(TASK_JOB_NAME, data, jobOptions)
        : this.#addFlows([this.#flowOf(queue, data, jobOptions, callback, trace)]).then(
            ([job]) => job!,
          );
    const job = await withRedis(this.#connection, () => this.#registeredWith(queue.name, add), {
      effect: 'write',
      executionId: jobOptions.jobId,
    });
    const executionId = executionIdOf(job.id);
    const state = initialStateOf(jobOptions);
    if (jobOptions.jobId === undefined) return { executionId, queue: queue.name, state };
    const duplicate = await this.#isDuplicate(queue, job);
    return { executionId, queue: queue.name, state, duplicate };
  }

  /**
   * True when `add` found a job of the same id (BullMQ keeps it and stores
   * nothing): the stored creation time is not the one this add sent. A
   * failed read says false: the job is stored either way.
   */
  async #isDuplicate(queue: Queue, job: Job): Promise<boolean> {
    const stored = await withRedis(this.#connection, () =>
      this.#connection.hget(jobKey(this.#ref(queue.name), job.id ?? ''), 'timestamp'),
    ).catch(() => null);
    return stored !== null && Number(stored) !== job.timestamp;
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
  ): Promise<Enqueued[]> {
    const { user, traceContext, queue: name, delay, runAt, priority, callback, ...opts } = options;
    const queue = this.#queueOf(name);
    const defaults = { delay, runAt, priority };
    const taskIssues: ValidationIssue[] = [];
    const optionIssues: ValidationIssue[] = [];
    const bulk = entries.map((entry, index) => {
      const { task, item, within } = bulkEntryOf(entry);
      const { jobId, callback: own, ...timing } = item;
      const itemCallback = own ?? callback;
      taskIssues.push(
        ...this.#issuesOf(index, task, within),
        ...callbackIssues(index, itemCallback),
      );
      const jobOpts: JobsOptions = { ...opts, ...(jobId === undefined ? {} : { jobId }) };
      try {
        const timed = { ...jobOpts, ...jobTimingOf(overTiming(defaults, timing)) };
        return { task, callback: itemCallback, opts: timed };
      } catch (error) {
        if (!(error instanceof InvalidOptionsError)) throw error;
        optionIssues.push(...error.issues.map((i) => ({ ...i, path: `${index}.${i.path}` })));
        return { task, callback: itemCallback, opts: jobOpts };
      }
    });
    // One answer names every bad entry: an invalid task's error carries the option issues too.
    if (taskIssues.length > 0) throw new InvalidTaskError([...taskIssues, ...optionIssues]);
    if (optionIssues.length > 0) throw new InvalidOptionsError(optionIssues);
    const meta = { user, trace: traceContext ?? captureTraceContext() };
    const jobs = bulk.map(({ task, opts }) => ({
      name: TASK_JOB_NAME,
      data: this.#jobData(task, meta),
      opts,
    }));
    // With any callback, every task goes in as a flow (one without a callback
    // as a flow of one job): one write, all or nothing, as addBulk's.
    const addAll = bulk.some((b) => b.callback !== undefined)
      ? () =>
          this.#addFlows(
            jobs.map((job, i) => {
              const url = bulk[i]!.callback;
              return url === undefined
                ? {
                    ...job,
                    queueName: queue.name,
                    prefix: bullPrefixOf(this.#ref(queue.name)),
                    opts: { ...defaultJobOptions(this.#settings), ...job.opts },
                  }
                : this.#flowOf(queue, job.data, job.opts, url, meta.trace);
            }),
          )
      : () => queue.addBulk(jobs);
    const added = await withRedis(
      this.#connection,
      () => this.#registeredWith(queue.name, addAll),
      { effect: 'write' },
    );
    return Promise.all(
      added.map(async (job, index) => ({
        executionId: executionIdOf(job.id),
        queue: queue.name,
        // A known jobId's execution is whatever it has become since.
        state:
          bulk[index]!.opts.jobId === undefined
            ? initialStateOf(bulk[index]!.opts)
            : await withRedis(this.#connection, () => queue.getJobState(job.id ?? '')),
      })),
    );
  }

  /** The validation issues of the task at `index` of a bulk, their paths after its index. */
  #issuesOf(index: number, task: unknown, within: string): ValidationIssue[] {
    const at = [String(index), within].filter(Boolean).join('.');
    try {
      this.#validate(task);
      return [];
    } catch (error) {
      if (error instanceof InvalidTaskError) {
        return error.issues.map((i) => ({
          path: i.path ? `${at}.${i.path}` : at,
          message: i.message,
        }));
      }
      if (error instanceof TaskTooLargeError) return [{ path: at, message: error.message }];
      throw error;
    }
  }

  /**
   * Cancels an execution: a running one is aborted wherever it runs (within
   * 2 s) and ends failed with message `cancelled`, its log naming `by`
   * (default `library`); one that has not started (waiting, delayed,
   * prioritized, parked for a retry) is removed. Throws
   * ExecutionNotFoundError, or AlreadyFinishedError for a finished one.
   */
  cancel(
    executionId: number | string,
    options: { queue?: string; by?: string } = {},
  ): Promise<Cancelled> {
    return this.#control.cancel(executionId, options);
  }

  /**
   * Runs a failed execution again under the same id, from the start (new
   * deadline, attempts from 1, its earlier output replaced). Throws
   * ExecutionNotFoundError, or NotFailedError when it is not failed.
   */
  retry(
    executionId: number | string,
    options: { queue?: string } = {},
  ): Promise<{ executionId: number | string; queue: string; state: string }> {
    return this.#control.retry(executionId, options);
  }

  /** Runs every failed execution of the queue (that failed at or after `since`) again; resolves with how many. */
  retryFailed(options: { queue?: string; since?: Date | string } = {}): Promise<{ count: number }> {
    return this.#control.retryFailed(options);
  }

  /** The execution's state and, once finished, its output; null when unknown. */
  async getExecution(
    executionId: number | string,
    { queue }: { queue?: string } = {},
  ): Promise<Execution | null> {
    const bullQueue = this.#queueOf(queue);
    return withRedis(this.#connection, () => this.#readExecution(bullQueue, String(executionId)));
  }

  async #readExecution(queue: Queue, id: string): Promise<Execution | null> {
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

  /**
   * Waits until the execution finished or `timeoutMs` passed, then returns it
   * as `getExecution` would (its state tells which). Null when unknown.
   */
  async waitForResult(
    executionId: number | string,
    { queue: name, timeoutMs = 30_000 }: { queue?: string; timeoutMs?: number } = {},
  ): Promise<Execution | null> {
    const queue = this.#queueOf(name).name;
    let waiter = this.#waiters.get(queue);
    if (!waiter) {
      waiter = new CompletionWaiter(
        // The waiter blocks on the event stream: a connection of its own, never the fail-fast one.
        this.#ownsConnection
          ? createRedis(this.#settings, 'worker')
          : duplicateForBlocking(this.#connection),
        { queueName: queue, prefix: bullPrefixOf(this.#ref(queue)) },
      );
      this.#waiters.set(queue, waiter);
    }
    const deadline = Date.now() + timeoutMs;
    const finished = waiter.waitFor(String(executionId), timeoutMs);
    try {
      for (;;) {
        const current = await this.getExecution(executionId, { queue });
        const left = deadline - Date.now();
        if (!current || isFinished(current.state) || left <= 0) return current;
        // Events are the fast path; the state is read again at least once a
        // second in case an event was missed while the event stream connected.
        await Promise.race([finished.promise, sleep(Math.min(left, 1000))]);
      }
    } finally {
      finished.cancel();
    }
  }

  /**
   * Removes an execution that is not running (waiting, delayed, prioritized,
   * or finished, with its output). `active` when it runs now and was kept,
   * `unknown` when there is no such execution.
   */
  async remove(
    executionId: number | string,
    { queue: name }: { queue?: string } = {},
  ): Promise<'removed' | 'active' | 'unknown'> {
    const queue = this.#queueOf(name);
    return withRedis(this.#connection, async () => {
      // BullMQ's remove answers 1 for an unknown id too, so the state is asked first.
      if ((await queue.getJobState(String(executionId))) === ExecutionState.UNKNOWN)
        return 'unknown';
      // It refuses (0) to remove a locked job: one that runs now.
      return (await queue.remove(String(executionId))) === 1 ? 'removed' : 'active';
    });
  }

  /**
   * Closes the queue and every connection this producer opened; a
   * `connection` given in the options stays open (it is the caller's).
   */
  async close(): Promise<void> {
    await Promise.all([...this.#waiters.values()].map((waiter) => waiter.close()));
    await Promise.all([...this.#queues.values()].map((queue) => queue.close()));
    await this.#flows?.close();
    if (this.#ownsConnection) {
      await this.#connection.quit().catch(() => this.#connection.disconnect());
    }
  }

  /** The BullMQ Queue of a taskrest queue (the default one without a name); the name checked. */
  #queueOf(name: string | undefined): Queue {
    const queueName = name === undefined ? this.#settings.queueName : checkQueueName(name);
    let queue = this.#queues.get(queueName);
    if (!queue) {
      queue = new Queue(queueName, {
        connection: this.#connection,
        prefix: bullPrefixOf(this.#ref(queueName)),
        defaultJobOptions: defaultJobOptions(this.#settings),
        // BullMQ reads the Redis version as the Queue is made, on a Cluster as
        // soon as it is connected, before it is ready: without an offline
        // queue that read fails and leaves the Queue broken for good. Every
        // call here waits for the connection to be ready (withRedis) instead;
        // the workers check the version.
        ...(this.#settings.redisCluster ? { skipVersionCheck: true } : {}),
      });
      queue.on('error', () => undefined);
      this.#queues.set(queueName, queue);
    }
    return queue;
  }

  #ref(queueName: string): { prefix: string; queueName: string } {
    return { prefix: this.#settings.prefix, queueName };
  }

  /**
   * Puts the queue's name in the registry, so that it is listed and workers
   * find it: enqueueing to a queue that does not exist creates it, as
   * BullMQ's queues come into being with their first job.
   */
  /**
   * Runs `add` with the queue's name written to the registry beside it (the
   * first time): both commands go out together, as one write, so that a
   * Redis that stops answering makes the whole enqueue's outcome unknown
   * rather than a registry read that "stored nothing".
   */
  async #registeredWith<T>(queueName: string, add: () => Promise<T>): Promise<T> {
    if (this.#registered.has(queueName)) return add();
    const registering = queueRegistry.add(this.#connection, this.#settings.prefix, queueName);
    // Awaited below; a failure here is the same failure `add` meets.
    registering.catch(() => undefined);
    const added = await add();
    await registering;
    this.#registered.add(queueName);
    return added;
  }

  /** Job data: the task, its secrets sealed when a `secretKey` is set, and the envelope. */
  #jobData(task: TaskInput, meta: Omit<JobMeta, 'sealed'>): object {
    this.#sealKey ??= createKeyRing(this.#settings).current ?? null;
    if (!this.#sealKey) return joinJobData(task, meta);
    const { task: stored, sealed } = sealTask(task, this.#sealKey);
    return joinJobData(stored, { ...meta, sealed });
  }

  #validate(task: unknown): void {
    // The schema first: it refuses what cannot even be serialised (JSON nested too deep).
    const result = checkTask(task);
    if (!result.ok) throw new InvalidTaskError(result.issues);
    const size = Buffer.byteLength(JSON.stringify(task) ?? '');
    if (size > this.#settings.maxTaskBytes)
      throw new TaskTooLargeError(size, this.#settings.maxTaskBytes);
  }

  /** A failed job's output, or one made from its reason when the worker could not write one (it died). */
  async #failedOutput(queue: Queue, job: Job<unknown, StoredOutput>): Promise<TaskOutput> {
    const stored = await this.#connection.hget(
      jobKey(this.#ref(queue.name), job.id ?? ''),
      OUTPUT_FIELD,
    );
    if (stored) return wholeOutput(JSON.parse(stored) as StoredOutput, job.id);
    return outputOfFailure(executionIdOf(job.id), job.failedReason);
  }

  /**
   * The flow of an execution with a callback (see callback-flow.ts): the
   * queue's default job options under the caller's, for both jobs.
   */
  #flowOf(
    queue: Queue,
    data: object,
    jobOptions: JobsOptions,
    callbackUrl: string,
    trace: TraceCarrier | undefined,
  ): FlowJob {
    const defaults = defaultJobOptions(this.#settings);
    const executionId = jobOptions.jobId ?? randomUUID();
    return callbackFlow({
      queueName: queue.name,
      prefix: bullPrefixOf(this.#ref(queue.name)),
      executionId,
      data,
      opts: { ...defaults, ...jobOptions },
      // Sealed as a task is: a credential in the callback URL's query is not stored in clear.
      callbackData: this.#jobData(callbackTask(callbackUrl), { trace, callbackOf: executionId }),
      callbackOpts: defaults,
    });
  }

  /** Adds flows in one write; the root job of each, in order. */
  async #addFlows(flows: FlowJob[]): Promise<Job[]> {
    if (!this.#flows) {
      this.#flows = new FlowProducer({ connection: this.#connection });
      this.#flows.on('error', () => undefined);
    }
    const trees = await this.#flows.addBulk(flows);
    // A flow's execution is its child; a flow of one job is the execution itself.
    return trees.map((tree) => tree.children?.[0]?.job ?? tree.job);
  }
}

/** The issues of a bulk item's callback URL, named after its index (`2.callback`). */
function callbackIssues(index: number, callback: string | undefined): ValidationIssue[] {
  try {
    checkCallback(callback);
    return [];
  } catch (error) {
    if (!(error instanceof InvalidTaskError)) throw error;
    return error.issues.map((i) => ({ ...i, path: `${index}.${i.path}` }));
  }
}

/** Refuses a bad callback URL, named `callback`, before anything is stored. */
function checkCallback(callback: string | undefined): void {
  if (callback === undefined) return;
  const result = enqueueOptionsSchema.safeParse({ callback });
  if (!result.success) {
    throw new InvalidTaskError(
      result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
}

/** A bulk entry as a task and its own options (none for a bare task). */
function bulkEntryOf(entry: TaskInput | BulkItem): {
  task: TaskInput;
  item: Omit<BulkItem, 'task'>;
  /** Where the task sits in the entry, for issue paths: `task`, or '' for a bare task. */
  within: string;
} {
  if (entry !== null && typeof entry === 'object' && 'task' in entry) {
    const { task, ...item } = entry;
    return { task, item, within: 'task' };
  }
  return { task: entry, item: {}, within: '' };
}

/**
 * An item's timing over the bulk's: its `priority` over the bulk's, and its
 * `delay` or `runAt` in place of the bulk's `delay` and `runAt` (one of
 * them holds).
 */
function overTiming(defaults: JobTiming, { delay, runAt, priority }: JobTiming): JobTiming {
  const when = delay !== undefined || runAt !== undefined ? { delay, runAt } : defaults;
  return { delay: when.delay, runAt: when.runAt, priority: priority ?? defaults.priority };
}

/** The state BullMQ gives a new job of these options. */
function initialStateOf(opts: { delay?: number; priority?: number }): ExecutionState {
  if ((opts.delay ?? 0) > 0) return ExecutionState.DELAYED;
  if ((opts.priority ?? 0) > 0) return ExecutionState.PRIORITIZED;
  return ExecutionState.WAITING;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
