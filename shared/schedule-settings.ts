import { getNextMillis } from 'bullmq';
import { z } from 'zod';
import { QUEUE_NAME } from './config-variables.js';
import { InvalidScheduleError } from './errors/invalid-schedule-error.js';
import { queueNameSchema } from './queue-settings.js';
import { settingsIssues } from './settings-issues.js';
import { wholeMillisecondsSchema } from './whole-milliseconds.js';
import type { ValidationIssue } from './errors/invalid-task-error.js';
import type { TaskInput } from './task-schema.js';

/**
 * The shortest interval a schedule may have: a schedule runs a request
 * against someone's service, and a sub-second one is a flood, not a schedule.
 */
export const MIN_EVERY_SECONDS = 1;

/** The longest interval a schedule may have: a year. */
const MAX_EVERY_SECONDS = 366 * 86_400;

/** The one schema of a schedule id: it becomes part of BullMQ job ids and Redis keys. */
export const scheduleIdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(QUEUE_NAME, { error: 'expected letters, digits, _ . -' });

/**
 * The one schema of a schedule (the API's PUT body; the library's options
 * and the CLI's flags are turned into it): a task, and when it runs, either
 * a cron expression (in a time zone) or a fixed interval. The task inside is
 * checked by the producer, as an enqueued one is (issues named `task.…`).
 */
export const scheduleSettingsSchema = z
  .strictObject({
    task: z
      .record(z.string(), z.unknown())
      .describe('the task, exactly as POST /api/tasks takes it; checked when the schedule is set'),
    queue: queueNameSchema
      .optional()
      .describe('the queue its executions run on (created when it does not exist)'),
    cron: z
      .string()
      .superRefine((pattern, ctx) => {
        const problem = cronProblem(pattern);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .describe('a cron expression: 5 fields, or 6 with seconds first'),
    tz: z
      .string()
      .superRefine((zone, ctx) => {
        if (!isTimeZone(zone))
          ctx.addIssue({ code: 'custom', message: `unknown time zone ${zone}` });
      })
      .optional()
      .describe('the IANA time zone the cron expression is read in (default UTC)'),
    every_seconds: wholeMillisecondsSchema(MIN_EVERY_SECONDS, MAX_EVERY_SECONDS)
      .optional()
      .describe('a fixed interval in seconds, instead of cron'),
    start_at: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('no run before this time (ISO 8601)'),
    end_at: z.iso.datetime({ offset: true }).optional().describe('no run after this time'),
    limit: z.number().int().min(1).optional().describe('at most this many runs in all'),
  })
  .superRefine((settings, ctx) => {
    const issue = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    const hasCron = settings.cron !== undefined;
    const hasEvery = settings.every_seconds !== undefined;
    if (hasCron && hasEvery) issue('every_seconds', 'give either cron or every_seconds, not both');
    if (!hasCron && !hasEvery) issue('cron', 'give either cron or every_seconds');
    if (settings.tz !== undefined && !hasCron) issue('tz', 'a time zone goes with cron only');
    const endProblem = problemOfEnd(settings);
    if (endProblem) issue('end_at', endProblem);
  });

/** A schedule as `PUT /api/schedules/:id` takes it. From the schema, its one source. */
export type ScheduleSettings = Omit<z.output<typeof scheduleSettingsSchema>, 'task'> & {
  task: TaskInput;
};

/**
 * A schedule as the library's `producer.schedules.set` takes it: the same
 * fields, named the JavaScript way; times as Date or ISO text.
 */
export interface ScheduleOptions {
  task: TaskInput;
  /** The queue its executions run on. @defaultValue the producer's `queue` */
  queue?: string;
  /** A cron expression (5 fields, or 6 with seconds first). Either this or `everySeconds`. */
  cron?: string;
  /** The IANA time zone of `cron`. @defaultValue UTC */
  tz?: string;
  /** A fixed interval in seconds. Either this or `cron`. */
  everySeconds?: number;
  /** No run before this time. */
  startAt?: Date | string;
  /** No run after this time. */
  endAt?: Date | string;
  /** At most this many runs in all. */
  limit?: number;
}

/** One execution a schedule started, newest first in a {@link Schedule}. */
export interface ScheduleExecution {
  /** The execution id (BullMQ's `repeat:<schedule id>:<due time in ms>`). */
  execution_id: string;
  state: string;
  /** When it was due. */
  run_at: string;
  /** When it ended (completed or failed); null while it waits or runs. */
  finished_at: string | null;
}

/** A schedule as the API, the CLI and the library show it. */
export interface Schedule {
  id: string;
  queue: string;
  cron: string | null;
  tz: string | null;
  every_seconds: number | null;
  start_at: string | null;
  end_at: string | null;
  limit: number | null;
  /** When the next execution is due; null when none will run (limit or end_at reached). */
  next_run_at: string | null;
  /** The task, its secrets redacted. */
  task: unknown;
  /** Its last executions, newest first (one schedule, not the list). */
  executions?: ScheduleExecution[];
}

/** The library's option names where they differ from the API's. */
const LIBRARY_NAMES = {
  every_seconds: 'everySeconds',
  start_at: 'startAt',
  end_at: 'endAt',
} as const;

/** The library's options as the schema's input (`everySeconds` → `every_seconds`, Dates as ISO). */
export function settingsOfOptions(options: ScheduleOptions): unknown {
  // Anything but an object goes to the schema as it is, which says what it expected.
  if (!isPlainObject(options)) return options;
  const input: Record<string, unknown> = { ...options };
  for (const [apiName, libraryName] of Object.entries(LIBRARY_NAMES)) {
    if (!(libraryName in input)) continue;
    const value = input[libraryName];
    delete input[libraryName];
    input[apiName] = value instanceof Date ? value.toISOString() : value;
  }
  return input;
}

/** The API's body as the library's options (unknown fields kept, so that the schema names them). */
export function optionsOfSettings(body: unknown): ScheduleOptions {
  if (!isPlainObject(body)) return body as ScheduleOptions;
  const options: Record<string, unknown> = { ...body };
  for (const [apiName, libraryName] of Object.entries(LIBRARY_NAMES)) {
    if (!(apiName in options)) continue;
    options[libraryName] = options[apiName];
    delete options[apiName];
  }
  return options as unknown as ScheduleOptions;
}

/** The schema's issues, each with its field's dotted path. */
export function scheduleIssues(input: unknown): {
  settings?: ScheduleSettings;
  issues: ValidationIssue[];
} {
  const result = scheduleSettingsSchema.safeParse(input);
  if (result.success) return { settings: result.data, issues: [] };
  return { issues: settingsIssues(result.error) };
}

/** A checked schedule id; throws InvalidScheduleError (field `id`). */
export function checkScheduleId(id: unknown): string {
  const result = scheduleIdSchema.safeParse(id);
  if (!result.success) {
    throw new InvalidScheduleError(
      result.error.issues.map((i) => ({ path: 'id', message: i.message })),
    );
  }
  return result.data;
}

/** The JSON schema of a schedule's settings, for the API's OpenAPI document. */
export function scheduleSettingsJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(scheduleSettingsSchema, { io: 'input' });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** What is wrong with `end_at`: in the past, before `start_at`, or no cron time before it. */
function problemOfEnd(settings: {
  cron?: string;
  tz?: string;
  every_seconds?: number;
  start_at?: string;
  end_at?: string;
}): string | undefined {
  if (settings.end_at === undefined) return undefined;
  const end = Date.parse(settings.end_at);
  const start = settings.start_at === undefined ? undefined : Date.parse(settings.start_at);
  if (end <= Date.now()) return 'must be in the future';
  if (start !== undefined && end <= start) return 'must be after start_at';
  if (settings.cron === undefined || settings.every_seconds !== undefined) return undefined;
  try {
    const from = Math.max(Date.now(), start ?? 0);
    const next = getNextMillis(from, { pattern: settings.cron, tz: settings.tz, endDate: end });
    return next === undefined ? 'the cron expression names no time before it' : undefined;
  } catch {
    // A bad expression or zone: its own field says so.
    return undefined;
  }
}

/** Why BullMQ's cron parser refuses the expression; undefined when it takes it. */
function cronProblem(pattern: string): string | undefined {
  try {
    getNextMillis(Date.now(), { pattern });
    return undefined;
  } catch (error) {
    return `not a cron expression: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Whether the platform's time zone data knows the zone (IANA names, `UTC`). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
