import { z } from 'zod';
import { absoluteUrlProblem } from './absolute-url.js';
import type { ValidationIssue } from './errors/invalid-task-error.js';

/**
 * What an idempotency key (an execution id chosen by the caller) may look
 * like, besides not being only digits: it becomes the BullMQ job id, and
 * BullMQ refuses integer ids (they would clash with its own) and colons.
 */
export const IDEMPOTENCY_KEY_PATTERN = /^[\w.~@+=-]{1,200}$/;

/** What a flow key may look like: a name, kept with the execution and listed by it. */
export const FLOW_KEY_PATTERN = /^[\w.~@+=:\/-]{1,200}$/;
/** What a bad flow key is told. */
export const FLOW_KEY_HINT = 'expected 1 to 200 letters, digits or _ . ~ @ + = : / -';

/** BullMQ's priorities: 1 is the highest, 2^21 the lowest (its PRIORITY_LIMIT). */
export const MAX_PRIORITY = 2 ** 21;

/** The furthest ahead an execution may be held back: a year (`delay` or `run_at`). */
export const MAX_DELAY_SECONDS = 365 * 24 * 3600;

/** A decimal number as text: what a query parameter may say for a number. */
const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * A query parameter is text: a decimal number written as text counts as
 * that number. Other spellings JavaScript would read (`0x10`, `1e3`,
 * ` 5`) stay text and are refused, so a value is never read as another.
 */
const numeric = (schema: z.ZodNumber) =>
  z.preprocess(
    (value) => (typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value),
    schema,
  );

/**
 * The enqueue options of the HTTP API, one task's worth: query parameters
 * of the POST routes, and the fields beside `task` in a bulk item. The
 * single source of their validation, type and API documentation.
 *
 * - `delay` (seconds) or `run_at` (an ISO 8601 time with its offset), not
 *   both: the execution waits as BullMQ's delayed job until then. A
 *   `run_at` in the past runs at once (clocks differ; refusing would make
 *   a caller's retry fail).
 * - `priority`: BullMQ's, 1 the highest; without it an execution comes
 *   before every prioritized one, as in BullMQ.
 * - `idempotency_key`: the execution id; a known key returns its execution
 *   and stores nothing new (the single route takes it as `Idempotency-Key`).
 * - `callback`: where taskrest POSTs the signed result once the execution
 *   ended (docs/callbacks.md).
 * - `flow_key`: a name the execution is enqueued under (a tenant, an API
 *   account): kept with it and in the history, filterable there.
 */
export const enqueueOptionsSchema = z
  .object({
    delay: numeric(
      z
        .number({ error: 'expected a number of seconds' })
        .min(0, { error: 'expected seconds >= 0' })
        .max(MAX_DELAY_SECONDS, { error: `expected at most ${MAX_DELAY_SECONDS} seconds` }),
    )
      .optional()
      .describe('seconds to hold the execution back (state delayed); not with run_at'),
    run_at: z.iso
      .datetime({
        offset: true,
        error: 'expected an ISO 8601 time, e.g. 2030-01-31T08:00:00Z',
        // A malformed time has no distance from now to check.
        abort: true,
      })
      .refine((at) => Date.parse(at) - Date.now() <= MAX_DELAY_SECONDS * 1000, {
        error: 'expected a time within a year from now',
      })
      .optional()
      .describe('when to run it (ISO 8601 with offset); in the past: at once; not with delay'),
    priority: numeric(
      z
        .number({ error: 'expected a whole number' })
        .int({ error: 'expected a whole number' })
        .min(1, { error: 'expected 1 (highest) or more' })
        .max(MAX_PRIORITY, { error: `expected at most ${MAX_PRIORITY}` }),
    )
      .optional()
      .describe(`1 (highest) to ${MAX_PRIORITY}, BullMQ's (state prioritized)`),
    idempotency_key: z
      .string()
      .regex(IDEMPOTENCY_KEY_PATTERN, {
        error: 'expected 1 to 200 letters, digits or _ . ~ @ + = -',
      })
      .refine((key) => !/^\d+$/.test(key), { error: 'expected not only digits' })
      .optional()
      .describe('becomes the execution_id; a known key returns its execution, stores nothing'),
    callback: z
      .string({ error: 'expected an http or https URL' })
      .max(2048, { error: 'expected a URL of at most 2048 characters', abort: true })
      .superRefine((url, ctx) => {
        // The rules of a task's url: what delivery would refuse is refused now.
        const problem = absoluteUrlProblem(url);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .describe('where the signed result is POSTed once the execution ended (docs/callbacks.md)'),
    flow_key: z
      .string({ error: FLOW_KEY_HINT })
      .regex(FLOW_KEY_PATTERN, { error: FLOW_KEY_HINT })
      .optional()
      .describe('the flow key it is enqueued under (a tenant, an API account)'),
  })
  .strict()
  .refine((o) => o.delay === undefined || o.run_at === undefined, {
    error: 'give delay or run_at, not both',
    path: ['run_at'],
  });

export type EnqueueOptionsInput = z.infer<typeof enqueueOptionsSchema>;

/** The names of the enqueue options, as query parameters and bulk item fields. */
export const ENQUEUE_OPTION_NAMES = Object.keys(
  enqueueOptionsSchema.shape,
) as (keyof EnqueueOptionsInput)[];

/**
 * Checks enqueue options. Issue paths are the option names, after `at`
 * (a bulk item's index): `priority`, `1.priority`.
 */
export function checkEnqueueOptions(
  input: unknown,
  at?: string,
): { ok: true; options: EnqueueOptionsInput } | { ok: false; issues: ValidationIssue[] } {
  const result = enqueueOptionsSchema.safeParse(input);
  if (result.success) return { ok: true, options: result.data };
  const prefixed = (path: string) => [at, path].filter((p) => p !== undefined && p !== '');
  return {
    ok: false,
    issues: result.error.issues.flatMap((issue) => {
      const path = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => ({
          path: prefixed(key).join('.'),
          message: 'unknown option',
        }));
      }
      return [{ path: prefixed(path).join('.'), message: issue.message }];
    }),
  };
}
