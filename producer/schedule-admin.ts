import type { Job, JobSchedulerJson, Queue, RepeatOptions } from 'bullmq';
import { InvalidScheduleError } from '../shared/errors/invalid-schedule-error.js';
import { InvalidTaskError } from '../shared/errors/invalid-task-error.js';
import { ScheduleNotFoundError } from '../shared/errors/schedule-not-found-error.js';
import { splitJobData } from '../shared/job-envelope.js';
import { redactTask } from '../shared/redact.js';
import {
  checkScheduleId,
  scheduleIssues,
  settingsOfOptions,
  type Schedule,
  type ScheduleOptions,
  type ScheduleSettings,
} from '../shared/schedule-settings.js';
import { TASK_JOB_NAME } from '../shared/task-queue.js';
import type { JobDataBuilder } from './job-data-builder.js';
import type { ProducerContext } from './producer-context.js';
import { scheduledJobId, scheduleExecutions } from './schedule-executions.js';
import { withScheduleLock } from './schedule-lock.js';

/** How often a schedule whose execution was just taken is read until its next one shows. */
const PENDING_READS = 5;

/** The states of a schedule's execution that has not started yet. */
const NOT_STARTED = new Set(['delayed', 'waiting', 'prioritized', 'waiting-children']);

/** Options of `schedules.set`. */
export interface SetScheduleOptions {
  /**
   * Who starts the schedule's executions, as enqueue's option (the API's
   * bearer token holder): the user of `pass_user_token` tokens.
   * @defaultValue undefined (no user)
   */
  user?: string;
}

/** A schedule found in one of the queues. */
interface Found {
  queue: Queue;
  scheduler: JobSchedulerJson;
}

/**
 * Schedules: recurring enqueues of one task, each one of BullMQ's job
 * schedulers (`queue.upsertJobScheduler`). The scheduler keeps the task's
 * job data as its template and puts the next execution on its queue as a
 * delayed job; the worker that takes one adds the one after it, atomically,
 * so each due time runs once however many workers and API processes there
 * are, and nothing runs in the API. Each run is an ordinary execution of the
 * schedule's queue, with the job data an enqueued task has.
 *
 * Schedule ids are unique across queues. A schedule is found by its id
 * alone by asking every queue of the queue registry (and the default queue)
 * for a scheduler of that id, one Redis read per queue; setting an id that
 * lives in another queue moves it. Changes of one id (set, remove) take
 * turns, holding the id in Redis (schedule-lock.ts), so that two set at
 * once on two queues leave it on one: the last writer's.
 */
export class ScheduleAdmin {
  readonly #context: ProducerContext;
  /** Builds each schedule's job data exactly as enqueue stores a task's. */
  readonly #jobData: JobDataBuilder;

  constructor(context: ProducerContext, jobData: JobDataBuilder) {
    this.#context = context;
    this.#jobData = jobData;
  }

  /** Every schedule of every queue, by id. */
  async list(): Promise<Schedule[]> {
    return this.#context.withRedis(async () => {
      const queues = (await this.#context.queueNames()).map((name) => this.#context.queueOf(name));
      const perQueue = await Promise.all(
        queues.map(async (queue) => {
          const schedulers = await queue.getJobSchedulers();
          return Promise.all(schedulers.map((scheduler) => this.#view({ queue, scheduler })));
        }),
      );
      return perQueue.flat().sort((a, b) => a.id.localeCompare(b.id));
    });
  }

  /** One schedule with its last executions; ScheduleNotFoundError when there is none. */
  async get(id: string): Promise<Schedule> {
    const scheduleId = checkScheduleId(id);
    return this.#context.withRedis(async () => {
      const found = await this.#find(scheduleId);
      if (!found) throw new ScheduleNotFoundError(scheduleId);
      return this.#view(found, { executions: true });
    });
  }

  /**
   * Creates or replaces the schedule `id`. The settings and the task are
   * checked first (InvalidScheduleError naming each field, the task's as
   * `task.…`, a file the task names that is not in the files resource too;
   * TaskTooLargeError; TooManyQueuesError for a new queue one too many),
   * and nothing is stored when they fail.
   * Replacing keeps the runs so far and drops the pending one for the new
   * timing; a schedule of that id on another queue is moved (removed there
   * first). `user` starts its executions, as enqueue's option (the API's
   * bearer token holder). The answer's `next_run_at` is the due time of the
   * run this set made (an interval's first: at once, unless `startAt`),
   * which a worker may be running already.
   */
  async set(
    id: string,
    options: ScheduleOptions,
    { user }: SetScheduleOptions = {},
  ): Promise<Schedule> {
    const scheduleId = checkScheduleId(id);
    const { settings, data } = await this.#check(options, user);
    const queue = this.#context.queueOf(settings.queue);
    return this.#context.withRedis(
      async () => {
        // The queue first: when it would be one too many, the schedule stays where it was.
        await this.#context.ensureRegistered(queue.name);
        const { scheduler, made } = await this.#holding(scheduleId, async () => {
          for (const found of await this.#findAll(scheduleId)) {
            if (found.queue.name !== queue.name) await this.#removeFrom(found);
          }
          const upserted = await queue.upsertJobScheduler(scheduleId, repeatOptionsOf(settings), {
            name: TASK_JOB_NAME,
            data,
          });
          return { scheduler: await queue.getJobScheduler(scheduleId), made: upserted };
        });
        if (!scheduler) throw new ScheduleNotFoundError(scheduleId);
        // The run this set made is the next one, even when a worker took it
        // up at once (an interval's first run is due at once).
        const nextRunAt = made ? await dueTimeOf(queue, made) : undefined;
        return this.#view({ queue, scheduler }, { nextRunAt });
      },
      { effect: 'write' },
    );
  }

  /**
   * Removes the schedule: no execution starts from it any more (one running
   * now finishes). ScheduleNotFoundError when there is none.
   */
  async remove(id: string): Promise<void> {
    const scheduleId = checkScheduleId(id);
    await this.#context.withRedis(
      () =>
        this.#holding(scheduleId, async () => {
          const found = await this.#findAll(scheduleId);
          if (found.length === 0) throw new ScheduleNotFoundError(scheduleId);
          for (const one of found) await this.#removeFrom(one);
        }),
      { effect: 'write' },
    );
  }

  /** Runs `change` while this producer holds schedule `id` (see withScheduleLock). */
  #holding<T>(id: string, change: () => Promise<T>): Promise<T> {
    return withScheduleLock(this.#context.connection, this.#context.prefix, id, change);
  }

  /**
   * The checked settings and the job data every run gets; throws naming each
   * bad field (a file the task names that is not in the files resource too).
   */
  async #check(
    options: ScheduleOptions,
    user: string | undefined,
  ): Promise<{ settings: ScheduleSettings; data: object }> {
    const { settings, issues } = scheduleIssues(settingsOfOptions(options));
    const task = (options as { task?: unknown } | undefined)?.task;
    let data: object | undefined;
    if (task !== null && typeof task === 'object' && !Array.isArray(task)) {
      try {
        data = await this.#jobData.scheduled(task, user);
      } catch (error) {
        if (!(error instanceof InvalidTaskError)) throw error;
        issues.push(
          ...error.issues.map((i) => ({
            path: i.path ? `task.${i.path}` : 'task',
            message: i.message,
          })),
        );
      }
    }
    if (issues.length > 0 || !settings || !data) throw new InvalidScheduleError(issues);
    return { settings, data };
  }

  /**
   * Removes the scheduler and its pending execution: BullMQ's
   * removeJobScheduler drops it while delayed, and one that became due and
   * waits for a worker is removed here (one that runs already is kept).
   */
  async #removeFrom({ queue, scheduler }: Found): Promise<void> {
    await queue.removeJobScheduler(scheduler.key);
    if (scheduler.next === undefined) return;
    const pending = scheduledJobId(scheduler.key, scheduler.next);
    if (NOT_STARTED.has(await queue.getJobState(pending))) await queue.remove(pending);
  }

  /** The schedule of that id in whichever queue has it. */
  async #find(id: string): Promise<Found | undefined> {
    return (await this.#findAll(id))[0];
  }

  /**
   * Every queue's schedule of that id: one at most, but two when set at once
   * on two queues before changes of one id took turns; set and remove heal it.
   */
  async #findAll(id: string): Promise<Found[]> {
    const names = await this.#context.queueNames();
    const found = await Promise.all(
      names.map(async (name) => {
        const queue = this.#context.queueOf(name);
        const scheduler = await queue.getJobScheduler(id);
        return scheduler ? { queue, scheduler } : undefined;
      }),
    );
    return found.filter((one) => one !== undefined);
  }

  /**
   * The schedule as shown. `nextRunAt`: the due time of the run a set just
   * made, which is the next one whatever became of it since; without it,
   * the pending run's.
   */
  async #view(
    found: Found,
    { executions = false, nextRunAt }: { executions?: boolean; nextRunAt?: number } = {},
  ): Promise<Schedule> {
    const { queue, scheduler, pending } = await this.#withPending(found);
    const schedule: Schedule = {
      id: scheduler.key,
      queue: queue.name,
      cron: scheduler.pattern ?? null,
      tz: scheduler.tz ?? null,
      every_seconds: scheduler.every === undefined ? null : scheduler.every / 1000,
      start_at: isoOrNull(scheduler.startDate),
      end_at: isoOrNull(endOf(scheduler)),
      limit: scheduler.limit ?? null,
      next_run_at:
        nextRunAt !== undefined ? isoOrNull(nextRunAt) : pending ? isoOrNull(scheduler.next) : null,
      task: redactTask(splitJobData(scheduler.template?.data).task),
    };
    if (executions) {
      schedule.executions = await scheduleExecutions(
        this.#context.connection,
        queue,
        scheduler.key,
        pending,
      );
    }
    return schedule;
  }

  /**
   * The scheduler with its pending execution (the one due at `next`), if it
   * has not started. A worker takes an execution first and adds the next one
   * right after, so one just taken is read again (a few times, a few ms
   * apart) until the next shows; one that stays active was the last.
   */
  async #withPending(found: Found): Promise<Found & { pending?: { id: string; state: string } }> {
    let { scheduler } = found;
    for (let read = 1; ; read++) {
      if (scheduler.next === undefined) return { ...found, scheduler };
      const id = scheduledJobId(scheduler.key, scheduler.next);
      const state = await found.queue.getJobState(id);
      if (NOT_STARTED.has(state)) return { ...found, scheduler, pending: { id, state } };
      if (state !== 'active' || read === PENDING_READS) return { ...found, scheduler };
      await new Promise((resolve) => setTimeout(resolve, 20));
      scheduler = (await found.queue.getJobScheduler(scheduler.key)) ?? scheduler;
    }
  }
}

/**
 * BullMQ's repeat options of checked settings. An interval's `end_at` is
 * handed to BullMQ one interval early: BullMQ decides the next run when the
 * previous one starts, checking only that start against its end date, so
 * with the end date itself the run after it would still be made. When less
 * than one interval is left before `end_at`, one run fits: `limit` 1.
 */
function repeatOptionsOf(settings: ScheduleSettings, now = Date.now()): Omit<RepeatOptions, 'key'> {
  const every =
    settings.every_seconds === undefined
      ? undefined
      : Math.max(1, Math.round(settings.every_seconds * 1000));
  const end = settings.end_at === undefined ? undefined : Date.parse(settings.end_at);
  const options: Omit<RepeatOptions, 'key'> = {
    ...(settings.cron !== undefined ? { pattern: settings.cron } : {}),
    ...(settings.tz !== undefined ? { tz: settings.tz } : {}),
    ...(every !== undefined ? { every } : {}),
    ...(settings.start_at !== undefined ? { startDate: Date.parse(settings.start_at) } : {}),
    ...(settings.limit !== undefined ? { limit: settings.limit } : {}),
  };
  if (end === undefined) return options;
  if (every === undefined) return { ...options, endDate: end };
  if (end - every > now) return { ...options, endDate: end - every };
  return { ...options, limit: 1 };
}

/** The `end_at` a schedule was set with, from BullMQ's end date (see repeatOptionsOf). */
function endOf(scheduler: JobSchedulerJson): number | undefined {
  if (scheduler.endDate === undefined || scheduler.every === undefined) return scheduler.endDate;
  return scheduler.endDate + scheduler.every;
}

/**
 * When the job a scheduler made is due, as BullMQ stored it (its creation
 * time plus its delay): an interval's first run is due at once, as is one
 * whose time had passed. The job as made stands in when it is gone already.
 */
async function dueTimeOf(queue: Queue, made: Job): Promise<number> {
  const stored = (made.id === undefined ? undefined : await queue.getJob(made.id)) ?? made;
  return stored.timestamp + (stored.opts.delay ?? 0);
}

function isoOrNull(millis: number | undefined): string | null {
  return millis === undefined ? null : new Date(millis).toISOString();
}
