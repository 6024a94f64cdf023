import { z } from 'zod';
import { InvalidOptionsError } from '../shared/errors/invalid-options-error.js';
import { MAX_DELAY_SECONDS, MAX_PRIORITY } from '../shared/enqueue-options.js';

/** The library's timing options, as BullMQ names them (`delay` in ms) plus `runAt`. */
export interface JobTiming {
  /** Milliseconds to hold the execution back (BullMQ's delayed job). */
  delay?: number;
  /** When to run it: a Date or an ISO 8601 time; in the past: at once. Not with `delay`. */
  runAt?: Date | string;
  /** BullMQ's priority: 1 the highest, up to 2^21. */
  priority?: number;
}

const timingSchema = z
  .object({
    delay: z
      .number({ error: 'expected milliseconds' })
      .min(0, { error: 'expected milliseconds >= 0' })
      .max(MAX_DELAY_SECONDS * 1000, { error: 'expected at most a year' })
      .optional(),
    runAt: z
      .union([z.date(), z.iso.datetime({ offset: true })], {
        error: 'expected a Date or an ISO 8601 time',
      })
      .transform((at) => new Date(at).getTime())
      .refine((at) => Number.isFinite(at) && at - Date.now() <= MAX_DELAY_SECONDS * 1000, {
        error: 'expected a valid time within a year from now',
      })
      .optional(),
    priority: z
      .number({ error: 'expected a whole number' })
      .int({ error: 'expected a whole number' })
      .min(1, { error: 'expected 1 (highest) or more' })
      .max(MAX_PRIORITY, { error: `expected at most ${MAX_PRIORITY}` })
      .optional(),
  })
  .refine((o) => o.delay === undefined || o.runAt === undefined, {
    error: 'give delay or runAt, not both',
    path: ['runAt'],
  });

/**
 * BullMQ's `delay` and `priority` of the library's timing options, checked:
 * a `runAt` becomes the delay until then (0 when it passed). Throws an
 * InvalidOptionsError naming each bad option; nothing is stored then.
 */
export function jobTimingOf(
  { delay, runAt, priority }: JobTiming,
  now = Date.now(),
): { delay?: number; priority?: number } {
  const given = Object.fromEntries(
    Object.entries({ delay, runAt, priority }).filter(([, v]) => v !== undefined),
  );
  const parsed = timingSchema.safeParse(given);
  if (!parsed.success) {
    throw new InvalidOptionsError(
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  const o = parsed.data;
  return {
    ...(o.runAt !== undefined ? { delay: Math.max(0, o.runAt - now) } : {}),
    ...(o.delay !== undefined ? { delay: o.delay } : {}),
    ...(o.priority !== undefined ? { priority: o.priority } : {}),
  };
}
