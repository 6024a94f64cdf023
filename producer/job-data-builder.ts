import { randomUUID } from 'node:crypto';
import type { FlowJob, JobsOptions } from 'bullmq';
import { enqueueOptionsSchema } from '../shared/enqueue-options.js';
import { InvalidOptionsError } from '../shared/errors/invalid-options-error.js';
import { InvalidTaskError, type ValidationIssue } from '../shared/errors/invalid-task-error.js';
import { TaskTooLargeError } from '../shared/errors/task-too-large-error.js';
import type { FilesStore } from '../shared/files/files-store.js';
import { joinJobData, type JobMeta } from '../shared/job-envelope.js';
import { checkTask } from '../shared/parse-task.js';
import { createKeyRing, type SecretKey } from '../shared/secrets/key-ring.js';
import { sealTask } from '../shared/secrets/seal-task.js';
import { TASK_JOB_NAME } from '../shared/task-queue.js';
import type { TaskInput } from '../shared/task-schema.js';
import { captureTraceContext, type TraceCarrier } from '../shared/tracing/trace-carrier.js';
import { withAddMark } from './add-mark.js';
import { bulkEntryOf, overTiming, type BulkEntry } from './bulk-entry.js';
import { callbackFlow, callbackTask } from './callback-flow.js';
import type { BulkItem, EnqueueOptions } from './enqueue-options.js';
import { repeatedKeyIssues } from '../shared/repeated-keys.js';
import { bulkItemNameIssues, checkEnqueueOptionNames } from './option-names.js';
import { jobTimingOf } from './job-timing.js';
import { missingFileIssues, namedFiles, type NamedFile } from './named-files.js';
import type { ProducerContext } from './producer-context.js';

/** One job as BullMQ's `Queue.add` and `Queue.addBulk` take it. */
export interface JobToAdd {
  readonly name: string;
  readonly data: object;
  /** The caller's job options, the timing resolved (the queue's defaults apply in BullMQ). */
  readonly opts: JobsOptions;
}

/** What `enqueue` adds to BullMQ: the task checked and its data sealed. */
export interface ExecutionToAdd {
  readonly job: JobToAdd;
  /** The same execution as a flow, when it has a callback: then it is added through a FlowProducer. */
  readonly flow: FlowJob | undefined;
}

/** What `enqueueBulk` adds to BullMQ, every task checked and its data sealed. */
export interface JobsToAdd {
  /** One job per execution, in the order given. */
  readonly jobs: readonly JobToAdd[];
  /**
   * The same executions as flows, in the same order, when any has a
   * callback: then they are added through a FlowProducer, all in one write.
   */
  readonly flows: readonly FlowJob[] | undefined;
}

/**
 * Turns tasks and enqueue options into what is added to BullMQ: the task
 * validated and its size checked before anything reaches Redis, the files
 * its multipart parts name looked up in the files resource, its secrets
 * sealed (with a `secretKey`), wrapped in the job envelope, and, with a
 * callback, the flow whose parent delivers it. Enqueues and schedules store
 * the same job data through here.
 */
export class JobDataBuilder {
  readonly #context: ProducerContext;
  /** Where multipart file parts come from: a task naming a file not there is refused. */
  readonly #files: Pick<FilesStore, 'missing'>;
  /** The key that seals task secrets; null without `secretKey`. Read at the first task. */
  #sealKey: SecretKey | null | undefined;

  constructor(context: ProducerContext, files: Pick<FilesStore, 'missing'>) {
    this.#context = context;
    this.#files = files;
  }

  /**
   * `enqueue`'s task and options. Throws InvalidOptionsError for bad timing,
   * InvalidTaskError naming each bad field (the callback URL's as
   * `callback`, a file not in the files resource as `multipart.parts.N.file`),
   * TaskTooLargeError.
   */
  async one(queueName: string, task: TaskInput, options: EnqueueOptions): Promise<ExecutionToAdd> {
    checkEnqueueOptionNames(options);
    const { user, traceContext, queue, delay, runAt, priority, callback, flowKey, ...rest } =
      options;
    checkFlowKey(flowKey);
    const timed = { ...rest, ...jobTimingOf({ delay, runAt, priority }) };
    // With an id, the add is marked: the answer tells a job it made from one it found.
    const opts = timed.jobId === undefined ? timed : withAddMark(timed);
    this.validate(task);
    checkCallback(callback);
    await this.#refuseMissingFiles(namedFiles(task));
    const trace = traceContext ?? captureTraceContext();
    const data = this.jobData(task, { user, trace, flowKey });
    return {
      job: { name: TASK_JOB_NAME, data, opts },
      flow:
        callback === undefined ? undefined : this.#flowOf(queueName, data, opts, callback, trace),
    };
  }

  /**
   * `enqueueBulk`'s entries, all checked before any is built: one
   * InvalidTaskError names every bad task and callback (and carries the
   * option issues too), else one InvalidOptionsError every bad timing; each
   * path starts with the entry's index.
   */
  async bulk(
    queueName: string,
    entries: readonly (TaskInput | BulkItem)[],
    options: EnqueueOptions,
  ): Promise<JobsToAdd> {
    const { user, traceContext } = options;
    const checked = await this.#checkBulk(entries, options);
    const meta = { user, trace: traceContext ?? captureTraceContext() };
    const jobs = checked.map(({ task, opts, flowKey }) => ({
      name: TASK_JOB_NAME,
      data: this.jobData(task, { ...meta, flowKey }),
      opts,
    }));
    if (checked.every((entry) => entry.callback === undefined)) return { jobs, flows: undefined };
    // With any callback, every task goes in as a flow (one without a callback
    // as a flow of one job): one write, all or nothing, as addBulk's.
    const flows = jobs.map((job, index): FlowJob => {
      const url = checked[index]!.callback;
      if (url !== undefined) return this.#flowOf(queueName, job.data, job.opts, url, meta.trace);
      return {
        ...job,
        queueName,
        prefix: this.#context.bullPrefixOf(queueName),
        opts: { ...this.#context.defaultJobOptions(), ...job.opts },
      };
    });
    return { jobs, flows };
  }

  /**
   * A task's job data exactly as an enqueue stores it, for a schedule's
   * runs: validated (InvalidTaskError, TaskTooLargeError), its files looked
   * up, its secrets sealed, in the job envelope.
   */
  async scheduled(task: TaskInput, user: string | undefined): Promise<object> {
    this.validate(task);
    await this.#refuseMissingFiles(namedFiles(task));
    return this.jobData(task, { user });
  }

  /**
   * Throws InvalidTaskError naming each bad field, or TaskTooLargeError
   * when the task as JSON is over `maxTaskBytes`.
   */
  validate(task: unknown): void {
    // The schema first: it refuses what cannot even be serialised (JSON nested too deep).
    const result = checkTask(task);
    if (!result.ok) throw new InvalidTaskError(result.issues);
    const size = Buffer.byteLength(JSON.stringify(task) ?? '');
    const { maxTaskBytes } = this.#context.settings;
    if (size > maxTaskBytes) throw new TaskTooLargeError(size, maxTaskBytes);
  }

  /** Job data: the task, its secrets sealed when a `secretKey` is set, and the envelope. */
  jobData(task: TaskInput, meta: Omit<JobMeta, 'sealed'>): object {
    this.#sealKey ??= createKeyRing(this.#context.settings).current ?? null;
    if (!this.#sealKey) return joinJobData(task, meta);
    const { task: stored, sealed } = sealTask(task, this.#sealKey);
    return joinJobData(stored, { ...meta, sealed });
  }

  /**
   * The bulk's entries with their job options; throws naming every bad
   * entry. The files of every valid task are looked up together, in one
   * Redis command.
   */
  async #checkBulk(
    entries: readonly (TaskInput | BulkItem)[],
    options: EnqueueOptions,
  ): Promise<BulkEntry[]> {
    checkEnqueueOptionNames(options);
    const { user, traceContext, queue, delay, runAt, priority, callback, flowKey, ...rest } =
      options;
    const defaults = { delay, runAt, priority };
    const taskIssues: ValidationIssue[] = [];
    const optionIssues: ValidationIssue[] = [];
    const named: NamedFile[] = [];
    const checked = entries.map((entry, index): BulkEntry => {
      const { task, item, within } = bulkEntryOf(entry);
      optionIssues.push(...bulkItemNameIssues(item, index));
      const { jobId, callback: own, flowKey: ownKey, delay, runAt, priority } = item;
      const timing = { delay, runAt, priority };
      const itemCallback = own ?? callback;
      const itemFlowKey = ownKey ?? flowKey;
      optionIssues.push(...flowKeyIssues(itemFlowKey, `${index}.flowKey`));
      const issues = this.#issuesOf(index, task, within);
      if (issues.length === 0) named.push(...namedFiles(task, entryPath(index, within)));
      taskIssues.push(...issues, ...callbackIssues(index, itemCallback));
      const opts: JobsOptions = { ...rest, ...(jobId === undefined ? {} : { jobId }) };
      try {
        const timed = { ...opts, ...jobTimingOf(overTiming(defaults, timing)) };
        return { task, callback: itemCallback, flowKey: itemFlowKey, opts: timed };
      } catch (error) {
        if (!(error instanceof InvalidOptionsError)) throw error;
        optionIssues.push(...error.issues.map((i) => ({ ...i, path: `${index}.${i.path}` })));
        return { task, callback: itemCallback, flowKey: itemFlowKey, opts };
      }
    });
    optionIssues.push(
      ...repeatedKeyIssues(
        checked.map((entry) => entry.opts.jobId),
        'jobId',
      ),
    );
    taskIssues.push(...(await this.#missingFiles(named)));
    // One answer names every bad entry, in entry order: an invalid task's error carries the option issues too.
    if (taskIssues.length > 0) {
      throw new InvalidTaskError([...inEntryOrder(taskIssues), ...optionIssues]);
    }
    if (optionIssues.length > 0) throw new InvalidOptionsError(optionIssues);
    return checked;
  }

  /** The validation issues of the task at `index` of a bulk, their paths after its index. */
  #issuesOf(index: number, task: unknown, within: string): ValidationIssue[] {
    const at = entryPath(index, within);
    try {
      this.validate(task);
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

  /** Throws InvalidTaskError naming each file the files resource does not hold. */
  async #refuseMissingFiles(named: readonly NamedFile[]): Promise<void> {
    const issues = await this.#missingFiles(named);
    if (issues.length > 0) throw new InvalidTaskError(issues);
  }

  /** The issues of the named files that are not there: one Redis read, none without names. */
  #missingFiles(named: readonly NamedFile[]): Promise<ValidationIssue[]> {
    if (named.length === 0) return Promise.resolve([]);
    return this.#context.withRedis(() => missingFileIssues(this.#files, named));
  }

  /**
   * The flow of an execution with a callback (see callback-flow.ts): the
   * queue's default job options under the caller's, for both jobs.
   */
  #flowOf(
    queueName: string,
    data: object,
    jobOptions: JobsOptions,
    callbackUrl: string,
    trace: TraceCarrier | undefined,
  ): FlowJob {
    const defaults = this.#context.defaultJobOptions();
    const executionId = jobOptions.jobId ?? randomUUID();
    return callbackFlow({
      queueName,
      prefix: this.#context.bullPrefixOf(queueName),
      executionId,
      data,
      opts: { ...defaults, ...jobOptions },
      // Sealed as a task is: a credential in the callback URL's query is not stored in clear.
      callbackData: this.jobData(callbackTask(callbackUrl), { trace, callbackOf: executionId }),
      callbackOpts: defaults,
    });
  }
}

/** Where a bulk's task sits, as issue paths start: `2`, or `2.task` in an item. */
function entryPath(index: number, within: string): string {
  return within === '' ? String(index) : `${index}.${within}`;
}

/** Issues sorted by the entry index their path starts with; within an entry, as found. */
function inEntryOrder(issues: readonly ValidationIssue[]): ValidationIssue[] {
  const indexOf = (issue: ValidationIssue) => Number.parseInt(issue.path, 10);
  return [...issues].sort((a, b) => indexOf(a) - indexOf(b));
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

/** Refuses a flow key that is not a name (InvalidOptionsError naming `flowKey`). */
function checkFlowKey(flowKey: string | undefined): void {
  const issues = flowKeyIssues(flowKey, 'flowKey');
  if (issues.length > 0) throw new InvalidOptionsError(issues);
}

/** The issues of a flow key, as the API's `flow_key` is checked, named `path`. */
function flowKeyIssues(flowKey: string | undefined, path: string): ValidationIssue[] {
  if (flowKey === undefined) return [];
  const result = enqueueOptionsSchema.safeParse({ flow_key: flowKey });
  return result.success ? [] : result.error.issues.map((i) => ({ path, message: i.message }));
}
