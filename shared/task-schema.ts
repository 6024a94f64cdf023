import { z } from 'zod';
import { ABSOLUTE_HTTP, NO_WHITESPACE, PORT_RANGE, urlProblem, validPort } from './absolute-url.js';
import { fileNameProblem } from './files/file-name.js';
import { cookiesSchema, headerLine, headersSchema } from './header-schemas.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';
import { boundaryInContentType, boundaryProblem } from './multipart-boundary.js';

/**
 * The REST task: the inputs of Cloudomation's TaskREST connector
 * (as that connector documents them), snake_case, with the connector's defaults.
 *
 * This schema is the single source of the task's TypeScript type
 * (`TaskInput`, `Task`), its validation (`parseTask`) and the API's JSON
 * schema (`taskJsonSchema`). Every message is written so that, prefixed with
 * the field's path, it reads as a sentence: `retry_backoff.multiplier:
 * expected a number >= 1`.
 */

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;

const bool = (): z.ZodBoolean => z.boolean({ error: 'expected true or false' });

const optionalString = (what = 'a string') => z.string({ error: `expected ${what}` }).nullish();

/**
 * Seconds (the connector's connect/read/total_timeout); 0 or null disables the
 * limit. Limits are kept in whole milliseconds, so a positive value under 1 ms
 * would round to 0 and silently mean "off": refused instead.
 */
const timeoutSeconds = () =>
  z
    .number({ error: 'expected a number of seconds >= 0, or null' })
    .min(0, { error: 'expected a number of seconds >= 0, or null' })
    .max(86_400, { error: 'expected at most 86400 seconds' })
    .refine((s) => s <= 0 || s >= 0.001, {
      error: 'expected 0 (no limit) or at least 0.001 seconds (1 ms)',
    })
    .nullish();

const numberAtLeast = (min: number, max = 86_400) =>
  z
    .number({ error: `expected a number >= ${min}` })
    .min(min, { error: `expected a number >= ${min}` })
    .max(max, { error: `expected a number <= ${max}` });

const statusCode = z
  .number({ error: 'expected an HTTP status code (100-599)' })
  .int({ error: 'expected an HTTP status code (100-599)' })
  .min(100, { error: 'expected an HTTP status code (100-599)' })
  .max(599, { error: 'expected an HTTP status code (100-599)' });

const statusCodes = z.array(statusCode, { error: 'expected a list of HTTP status codes' });

/** A JSON body (`json`, `data`): any JSON value, nested no deeper than MAX_JSON_DEPTH. */
const jsonBody = () =>
  z
    .unknown()
    .refine((body) => !nestsDeeperThan(body, MAX_JSON_DEPTH), {
      error: `nested deeper than ${MAX_JSON_DEPTH} levels`,
    })
    .optional();

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
/** Query or form fields: a value or a list of values (repeated key). */
const fieldMap = z.record(z.string(), z.union([scalar, z.array(scalar)]), {
  error: 'expected an object of name: value (or list of values)',
});

/** The connector's `retry_backoff` and its documented defaults. Missing keys take the default. */
export const RETRY_BACKOFF_DEFAULTS = Object.freeze({
  initial: 1,
  maximum: 60,
  multiplier: 2,
  deadline: 600,
});

const retryBackoff = z
  .strictObject(
    {
      initial: numberAtLeast(0).default(RETRY_BACKOFF_DEFAULTS.initial),
      maximum: numberAtLeast(0).default(RETRY_BACKOFF_DEFAULTS.maximum),
      multiplier: numberAtLeast(1, 1000).default(RETRY_BACKOFF_DEFAULTS.multiplier),
      deadline: numberAtLeast(0).default(RETRY_BACKOFF_DEFAULTS.deadline),
    },
    { error: 'expected an object with initial, maximum, multiplier, deadline' },
  )
  .default({ ...RETRY_BACKOFF_DEFAULTS });

/** A part header override: a value, or `false` to omit the header (as in the connector). */
const partHeaderOverride = z.union([headerLine('a string'), z.literal(false)], {
  error: 'expected a string, or false to omit it',
});

const multipartPart = z
  .strictObject({
    name: z.string({ error: 'expected a string' }).min(1, { error: 'must not be empty' }),
    value: z.string({ error: 'expected a string' }).optional(),
    /** A name in the files resource: the same rules as the files command applies. */
    file: z
      .string({ error: 'expected a file name' })
      .superRefine((name, ctx) => {
        const problem = fileNameProblem(name);
        if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    'content-type': partHeaderOverride.optional(),
    'content-disposition': partHeaderOverride.optional(),
    'content-length': z
      .union([headerLine('a length'), z.number().int().min(0), z.literal(false)], {
        error: 'expected a length, or false to omit it',
      })
      .optional(),
  })
  .refine((p) => (p.value === undefined) !== (p.file === undefined), {
    error: 'a part needs exactly one of value or file',
  });

/**
 * The task's `multipart` input (the connector's multipart dictionary).
 * Everything the worker's encoder would refuse is refused here, naming the
 * field: header injection, an illegal boundary, a boundary given twice and
 * differently, a value part containing the boundary, an unsafe file name.
 */
export const multipartSchema = z
  .strictObject({
    'content-type': headerLine('a string').optional(),
    boundary: z
      .string({ error: 'expected a string' })
      .superRefine((boundary, ctx) => {
        const problem = boundaryProblem(boundary);
        if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    parts: z.array(multipartPart, { error: 'expected a list of parts' }),
  })
  .superRefine((spec, ctx) => {
    const inType =
      spec['content-type'] === undefined ? undefined : boundaryInContentType(spec['content-type']);
    if (inType !== undefined) {
      const problem = boundaryProblem(inType);
      if (problem !== null) {
        ctx.addIssue({ code: 'custom', path: ['content-type'], message: `boundary: ${problem}` });
        return;
      }
      if (spec.boundary !== undefined && inType !== spec.boundary) {
        ctx.addIssue({
          code: 'custom',
          path: ['boundary'],
          message: 'differs from the boundary in multipart.content-type',
        });
        return;
      }
    }
    // A boundary the worker generates is 128 random bits: only a given one can collide.
    const boundary = spec.boundary ?? inType;
    if (boundary === undefined) return;
    spec.parts.forEach((part, index) => {
      if (part.value?.includes(`--${boundary}`)) {
        ctx.addIssue({
          code: 'custom',
          path: ['parts', index, 'value'],
          message: 'contains the multipart boundary',
        });
      }
    });
  });

/** Inputs that carry a request body; a task has at most one of them. */
export const BODY_INPUTS = ['json', 'data', 'text', 'urlencoded', 'multipart'] as const;

const taskFields = z.strictObject({
  allow_redirects: bool().default(true),
  base_path: optionalString(),
  /** Alias of `base_path` (the connector's own example uses it). */
  base_url: optionalString(),
  cacert: optionalString('PEM text'),
  connect_timeout: timeoutSeconds(),
  cookies: cookiesSchema.nullish(),
  /** DEPRECATED (in the connector): a JSON body. Present means set, even when null. */
  data: jsonBody(),
  expected_status_code: statusCodes.default([200, 201, 202, 204]),
  grant: optionalString('a grant name'),
  headers: headersSchema.nullish(),
  hostname: z
    .string({ error: 'expected a host name' })
    .regex(/^(\[[0-9A-Fa-f:.]+\]|[^\s/?#@[\]]+)(:\d{1,5})?$/, {
      error: 'expected a host name, optionally with :port',
    })
    .refine((host) => validPort(/:(\d+)$/.exec(host)?.[1]), { error: PORT_RANGE })
    .nullish(),
  /** A JSON body. Present means set, even when null (the connector's default is NotSet, not None). */
  json: jsonBody(),
  max_redirects: z
    .number({ error: 'expected an integer >= 0' })
    .int({ error: 'expected an integer >= 0' })
    .min(0, { error: 'expected an integer >= 0' })
    .max(100, { error: 'expected at most 100' })
    .default(10),
  method: z
    .string({ error: 'expected an HTTP method' })
    .transform((m) => m.toLowerCase())
    .pipe(z.enum(HTTP_METHODS, { error: `expected one of ${HTTP_METHODS.join(', ')}` }))
    .default('get'),
  multipart: multipartSchema.nullish(),
  params: fieldMap.nullish(),
  pass_user_token: bool().default(false),
  path: optionalString(),
  read_timeout: timeoutSeconds(),
  retry_backoff: retryBackoff,
  retry_status_code: statusCodes.default([502, 503, 504]),
  scheme: z.enum(['http', 'https'], { error: 'expected "http" or "https"' }).default('https'),
  text: optionalString(),
  total_timeout: timeoutSeconds(),
  url: z
    .string({ error: 'expected a URL' })
    .refine((u) => !/[\s\0]/.test(u), { error: NO_WHITESPACE })
    .nullish(),
  urlencoded: fieldMap.nullish(),
  verify_ssl: bool().default(true),
});

/** The names of all accepted inputs (for "did you mean" hints). */
export const TASK_INPUT_NAMES = Object.freeze(Object.keys(taskFields.shape));

function presentBodies(task: Record<string, unknown>): string[] {
  return BODY_INPUTS.filter((key) =>
    key === 'json' || key === 'data' ? key in task && task[key] !== undefined : task[key] != null,
  );
}

function hasUserInfo(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false; // Not a URL: the url rules above say so.
  }
}

/**
 * The full task schema: fields, cross-field rules, and normalisation
 * (`base_url` folded into `base_path`).
 */
export const taskSchema = taskFields
  .superRefine((task, ctx) => {
    if (!task.url && !task.hostname) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: 'either url or hostname must be set',
      });
    }
    if (task.url && task.hostname && /^[a-z][a-z0-9+.-]*:\/\//i.test(task.url)) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: 'with hostname set, url is a path and must not carry a scheme and host',
      });
    }
    if (task.url && !task.hostname && !/^https?:\/\/[^/?#]/i.test(task.url)) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: `${ABSOLUTE_HTTP} (or set hostname)`,
      });
    } else if (task.url && !task.hostname) {
      const problem = urlProblem(task.url);
      if (problem) ctx.addIssue({ code: 'custom', path: ['url'], message: problem });
    }
    if (task.base_url != null && task.base_path != null) {
      ctx.addIssue({
        code: 'custom',
        path: ['base_url'],
        message: 'base_url is an alias of base_path: set only one of them',
      });
    }
    // Each of these sets the Authorization header: two of them would be ambiguous.
    const authorizing = [
      ...(task.grant ? ['grant'] : []),
      ...(task.pass_user_token ? ['pass_user_token'] : []),
      ...Object.keys(task.headers ?? {})
        .filter((name) => name.toLowerCase() === 'authorization')
        .map((name) => `headers.${name}`),
    ];
    if (authorizing.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: (authorizing[1] ?? '').split('.'),
        message: `cannot be combined with ${authorizing[0]}: both set the Authorization header`,
      });
    }
    // URL user info becomes Basic authorization and would silently replace the other one.
    if (authorizing.length > 0 && task.url && !task.hostname && hasUserInfo(task.url)) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: `has user info (user:password@) and ${authorizing.join(' and ')} is set too: two credentials for the Authorization header; set only one`,
      });
    }
    const bodies = presentBodies(task);
    if (bodies.length > 1) {
      for (const key of bodies) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `at most one body input may be set (found ${bodies.join(', ')})`,
        });
      }
    }
  })
  // In place: zod's output is a fresh object already, and a copy of its
  // fields is paid by every job (docs/performance.md).
  .transform((task) => {
    if (task.base_url !== undefined) {
      task.base_path ??= task.base_url;
      delete task.base_url;
    }
    task.base_path ??= null;
    return task as Omit<typeof task, 'base_url' | 'base_path'> & { base_path: string | null };
  });

/** A task as a producer writes it: optional fields, the connector's defaults not yet applied. */
export type TaskInput = z.input<typeof taskSchema>;
/** A validated task: defaults applied, `base_url` folded into `base_path`. */
export type Task = z.output<typeof taskSchema>;
export type HttpMethod = (typeof HTTP_METHODS)[number];
export type MultipartSpec = NonNullable<Task['multipart']>;
export type MultipartPart = MultipartSpec['parts'][number];
export type RetryBackoff = Task['retry_backoff'];

/** The JSON schema of a task (as a producer writes it), for the HTTP API and OpenAPI. */
export function taskJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(taskFields, { io: 'input', unrepresentable: 'any' });
}
