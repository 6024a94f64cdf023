import { z } from 'zod';
import { InvalidOptionsError } from '../errors/invalid-options-error.js';
import { unknownNameIssues } from '../unknown-names.js';
import { decodeCursor, type PageCursor } from './page-cursor.js';
import { POINT_IN_TIME_HINT, pointInTime } from './point-in-time.js';
import { RecordState } from './execution-record.js';

/** The most records one page lists. */
export const MAX_PAGE_LIMIT = 500;
/** How many a page lists when `limit` is not given. */
export const DEFAULT_PAGE_LIMIT = 50;

/**
 * A whole number from `min` to `max`; as text (query parameters are text) a
 * decimal whole number counts as that number. `hint` is every error's message.
 */
const wholeIn = (min: number, max: number, hint: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : v),
    z
      .number({ error: hint })
      .int({ error: hint })
      .min(min, { error: hint })
      .max(max, { error: hint }),
  );

/** An instant: an ISO 8601 time, a duration back from now (`1h`), or a Date (the library). */
const instant = z
  .union([z.string(), z.date()])
  .transform((value, ctx) => {
    const at = value instanceof Date ? value.getTime() : pointInTime(value, Date.now());
    if (at === undefined || Number.isNaN(at)) {
      ctx.addIssue({ code: 'custom', message: POINT_IN_TIME_HINT });
      return z.NEVER;
    }
    return at;
  })
  .describe('an ISO 8601 time or a duration back from now (90s, 15m, 1h, 7d)');

const name = (what: string) =>
  z
    .string({ error: `expected ${what}` })
    .min(1, { error: `expected ${what}` })
    .max(500);

/** What the list and the stats both filter on. */
const commonShape = {
  queue: name('a queue name').optional().describe('only this queue'),
  origin: name('an origin such as https://api.example.com:443')
    .optional()
    .describe('only this destination (scheme://host:port, the port always written)'),
  since: instant.optional().describe('finished at or after this (ISO 8601, or 1h back from now)'),
  until: instant.optional().describe('finished before this (ISO 8601, or 1h back from now)'),
};

/**
 * The filter of `GET /api/executions`, `listExecutions(filter)` and
 * `taskrest ls`: the single source of their validation, type and API
 * documentation. Every given filter must match (AND).
 */
export const executionFilterSchema = z
  .object({
    ...commonShape,
    state: z
      .enum(Object.values(RecordState), { error: 'expected completed, failed or cancelled' })
      .optional()
      .describe('completed, failed or cancelled'),
    status_code: wholeIn(100, 599, 'expected an HTTP status code (100 to 599)')
      .optional()
      .describe('only executions whose final response had this status code'),
    method: z
      .string()
      .regex(/^[A-Za-z]{1,16}$/, { error: 'expected an HTTP method such as GET' })
      .transform((m) => m.toUpperCase())
      .optional()
      .describe('only this HTTP method'),
    flow_key: name('a flow key')
      .optional()
      .describe('only executions enqueued under this flow key'),
    schedule: name('a schedule id').optional().describe('only executions this schedule enqueued'),
    q: z
      .string()
      .min(1, { error: 'expected some text to search for' })
      .max(200, { error: 'expected at most 200 characters' })
      .optional()
      .describe('text the URL or the message contains (case-insensitive)'),
    limit: wholeIn(1, MAX_PAGE_LIMIT, `expected a whole number from 1 to ${MAX_PAGE_LIMIT}`)
      .optional()
      .describe(`records per page, 1 to ${MAX_PAGE_LIMIT} (default ${DEFAULT_PAGE_LIMIT})`),
    cursor: z
      .string()
      .max(2000)
      .transform((text, ctx) => {
        const cursor = decodeCursor(text);
        if (!cursor) {
          ctx.addIssue({ code: 'custom', message: 'expected a next_cursor of an earlier page' });
          return z.NEVER;
        }
        return cursor;
      })
      .optional()
      .describe('the next_cursor of the page before'),
  })
  .strict();

/** The filter as a caller gives it (query parameters, the library's filter object). */
export type ExecutionFilter = z.input<typeof executionFilterSchema>;

/** A checked filter: times as epoch ms, the cursor decoded, the limit set. */
export type ExecutionQuery = Omit<z.output<typeof executionFilterSchema>, 'limit' | 'cursor'> & {
  limit: number;
  cursor?: PageCursor;
};

/** The filter of `GET /api/executions/stats`. */
export const statsFilterSchema = z
  .object({
    ...commonShape,
    bucket_seconds: wholeIn(1, 604_800, 'expected a whole number of seconds from 1 to 604800')
      .optional()
      .describe('the width of one bucket (default: the range in 60 buckets, at least 60 s)'),
  })
  .strict();

export type StatsFilter = z.input<typeof statsFilterSchema>;

/** A checked stats filter: the range always set (default: the last 24 hours), the bucket width in ms. */
export interface StatsQuery {
  queue?: string;
  origin?: string;
  since: number;
  until: number;
  bucketMs: number;
}

/** How many buckets a range is cut into when `bucket_seconds` is not given. */
const DEFAULT_BUCKETS = 60;

/** Checks a list filter; throws an InvalidOptionsError naming each bad or unknown key. */
export function parseExecutionFilter(input: unknown): ExecutionQuery {
  const params = (input ?? {}) as Record<string, unknown>;
  const unknown = unknownNameIssues(params, Object.keys(executionFilterSchema.shape));
  const result = executionFilterSchema.safeParse(withoutUndefined(params));
  if (!result.success || unknown.length > 0) {
    throw new InvalidOptionsError([...(result.success ? [] : issuesOf(result.error)), ...unknown]);
  }
  const { limit, cursor, ...filter } = result.data;
  return { ...filter, limit: limit ?? DEFAULT_PAGE_LIMIT, ...(cursor ? { cursor } : {}) };
}

/** Checks a stats filter; throws an InvalidOptionsError naming each bad or unknown key. */
export function parseStatsFilter(input: unknown, now = Date.now()): StatsQuery {
  const params = (input ?? {}) as Record<string, unknown>;
  const unknown = unknownNameIssues(params, Object.keys(statsFilterSchema.shape));
  const result = statsFilterSchema.safeParse(withoutUndefined(params));
  if (!result.success || unknown.length > 0) {
    throw new InvalidOptionsError([...(result.success ? [] : issuesOf(result.error)), ...unknown]);
  }
  const { bucket_seconds, since, until, ...filter } = result.data;
  const end = until ?? now;
  const start = since ?? end - 86_400_000;
  if (start >= end) {
    throw new InvalidOptionsError([{ path: 'since', message: 'expected a time before until' }]);
  }
  const bucketMs =
    bucket_seconds !== undefined
      ? bucket_seconds * 1000
      : Math.max(60_000, Math.ceil((end - start) / DEFAULT_BUCKETS / 1000) * 1000);
  return { ...filter, since: start, until: end, bucketMs };
}

function withoutUndefined(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
}

function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues
    .filter((issue) => issue.code !== 'unrecognized_keys')
    .map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}
