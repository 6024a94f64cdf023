import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Every environment variable taskrest reads, defined once: its name (the
 * key), its meaning, and its parser (which holds the default). The loader
 * (config.ts), the docs' table (docs/configuration.md, checked against
 * `configurationRows()`) and the Compose check all read this table.
 */

const MiB = 1024 * 1024;

/** One variable: what it means, and how its text becomes a value (default included). */
export interface ConfigVariable<P extends z.ZodType = z.ZodType> {
  readonly meaning: string;
  readonly parser: P;
}

const variable = <P extends z.ZodType>(meaning: string, parser: P): ConfigVariable<P> => ({
  meaning,
  parser,
});

const intVar = (fallback: number, min = 0) =>
  z.coerce
    .number({ error: 'expected a number' })
    .int({ error: 'expected a whole number' })
    .min(min, { error: `expected a whole number >= ${min}` })
    .default(fallback);

const numVar = (fallback: number, min = 0) =>
  z.coerce
    .number({ error: 'expected a number' })
    .min(min, { error: `expected a number >= ${min}` })
    .default(fallback);

/**
 * Seconds, as a task's own timeouts take them: 0 means none, and a positive
 * value under 1 ms (which would round to none) is refused.
 */
const timeoutVar = (fallback: number) =>
  z.coerce
    .number({ error: 'expected a number of seconds' })
    .min(0, { error: 'expected a number of seconds >= 0' })
    .max(86_400, { error: 'expected at most 86400 seconds' })
    .refine((s) => s === 0 || s >= 0.001, { error: 'expected 0 (none) or at least 0.001' })
    .default(fallback);

const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const flag = z
  .enum(['', '0', '1', 'true', 'false', 'yes', 'no'], { error: 'expected 1 or 0' })
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const port = z.coerce
  .number({ error: 'expected a port number' })
  .int({ error: 'expected a port number' })
  .min(0, { error: 'expected a port number' })
  .max(65535, { error: 'expected a port number' });

/** What a queue name may contain (it becomes part of Redis keys). */
export const QUEUE_NAME = /^[\w.-]+$/;

/** A 32-byte key from 64 hex digits or base64, or null when it is neither. */
export function parseSecretKey(v: string): Buffer | null {
  const key = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
  return key.length === 32 ? key : null;
}

const secretKey = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    const key = parseSecretKey(v);
    if (!key) {
      ctx.addIssue({ code: 'custom', message: 'expected 32 bytes, as 64 hex digits or base64' });
      return z.NEVER;
    }
    return key;
  });

/** A comma-separated list of keys, each parsed by `parse`; one it refuses makes `message` the issue. */
const keyList = (parse: (v: string) => Buffer | null, message: string) =>
  list.transform((values, ctx) => {
    const keys = values.map(parse);
    if (keys.some((k) => k === null)) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return keys as Buffer[];
  });

const secretKeys = keyList(parseSecretKey, 'expected keys of 32 bytes, as 64 hex digits or base64');

/**
 * A Standard Webhooks secret: `whsec_` and base64 of at least 24 bytes (the
 * bytes that sign, as the specification recommends), or null.
 */
export function parseCallbackSecret(v: string): Buffer | null {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(v);
  if (!match) return null;
  const bytes = Buffer.from(match[1]!, 'base64');
  return bytes.length >= 24 ? bytes : null;
}

const callbackSecrets = keyList(
  parseCallbackSecret,
  'expected whsec_ and at least 24 bytes in base64, comma-separated',
);

/** `address` or `address/prefix`, in standard notation (the worker's policy parses them fully). */
const cidrList = list.refine(
  (values) =>
    values.every((v) => {
      const [address = '', prefix, extra] = v.split('/');
      const family = isIP(address.replace(/^\[|\]$/g, ''));
      if (family === 0 || extra !== undefined) return false;
      return (
        prefix === undefined ||
        (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))
      );
    }),
  { error: 'expected IP ranges such as 10.0.0.0/8 or fd00::/8, comma-separated' },
);

/** The table, in the order the docs list it. */
export const CONFIG_TABLE = {
  REDIS_URL: variable(
    'Redis (comma-separated node URLs with `REDIS_CLUSTER=1`)',
    z.string().min(1).default('redis://127.0.0.1:6379'),
  ),
  REDIS_CLUSTER: variable('`1`: connect to a Redis Cluster', flag),
  TASKREST_QUEUE: variable(
    'the default queue: of `/api/tasks…`, and of enqueues that name none',
    z
      .string()
      .regex(QUEUE_NAME, { error: 'expected letters, digits, _ . -' })
      .default('rest-tasks'),
  ),
  TASKREST_PREFIX: variable(
    "key prefix: each queue's keys carry the hash tag `{<prefix>:<queue>}` (one cluster slot per queue); a prefix with a hash tag of its own (`{taskrest}`) is used as written, all queues in its slot",
    z.string().min(1).default('taskrest'),
  ),
  TASKREST_QUEUES: variable(
    'the queues a worker consumes, comma-separated; unset: every queue, new ones found within 5 s',
    list.refine((names) => names.every((n) => QUEUE_NAME.test(n)), {
      error: 'expected queue names (letters, digits, _ . -), comma-separated',
    }),
  ),
  TASKREST_MAX_QUEUES: variable(
    'the most queues there may be, the default queue included: creating one more (`PUT /api/queues/…`, an enqueue or a schedule on a new queue) is refused with 409 `too many queues`',
    intVar(100, 1),
  ),
  WORKER_CONCURRENCY: variable(
    'jobs one worker process runs at once: one pool its queues share by the work they have waiting, each keeping one slot (see operations.md "Queues and fairness")',
    intVar(16, 1),
  ),
  HOST: variable('where `api`/`dev` listen', z.string().min(1).default('127.0.0.1')),
  PORT: variable(
    'the port `api`/`dev` listen on',
    intVar(3000, 0).refine((p) => p <= 65535, { error: 'expected a port number' }),
  ),
  API_TOKENS: variable(
    'comma-separated bearer tokens for `/api/*`, each `token`, `name:token` or `name:token:scope` (scope `read`, `enqueue` or `admin`, the default)',
    list,
  ),
  DASHBOARD_USER: variable('basic auth user for `/dashboard`', z.string().optional()),
  DASHBOARD_PASSWORD: variable('basic auth password for `/dashboard`', z.string().optional()),
  DASHBOARD_READ_ONLY: variable(
    '`1`: the dashboard shows the queue but offers no action that changes it',
    flag,
  ),
  GRANTS_FILE: variable('JSON file of named OAuth grants', z.string().optional()),
  TASKREST_SECRET_KEY: variable(
    '32 bytes, hex or base64: encrypts sensitive task inputs at rest',
    secretKey,
  ),
  TASKREST_OLD_SECRET_KEYS: variable(
    'earlier keys, comma-separated: decrypt only (key rotation)',
    secretKeys,
  ),
  TASKREST_CALLBACK_SECRETS: variable(
    'comma-separated `whsec_…` secrets (base64 after the prefix) that sign callbacks; the first signs, all sign during a rotation; unset: callbacks go unsigned',
    callbackSecrets,
  ),
  TASKREST_CALLBACK_CONNECT_TIMEOUT_SECONDS: variable(
    "a callback's connect timeout (TCP and TLS); `0`: none",
    timeoutVar(10),
  ),
  TASKREST_CALLBACK_READ_TIMEOUT_SECONDS: variable(
    "how long a callback's receiver may stay silent (before its answer, within its body); `0`: none",
    timeoutVar(15),
  ),
  TASKREST_CALLBACK_TIMEOUT_SECONDS: variable(
    'one callback attempt in all, from connecting to its answer; `0`: none',
    timeoutVar(30),
  ),
  TASKREST_ALERT_URL: variable(
    'where the API process POSTs signed alerts (a circuit open, a failure rate, an old waiting execution); unset: no alerts',
    z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
  ),
  TASKREST_ALERT_FAILURE_RATE: variable(
    "a queue's share of failed executions in the window that starts an alert",
    numVar(0.2),
  ),
  TASKREST_ALERT_MIN_EXECUTIONS: variable(
    'executions a queue must finish in the window before its failure rate counts',
    intVar(20, 1),
  ),
  TASKREST_ALERT_WINDOW_SECONDS: variable('the failure-rate window, in seconds', numVar(300, 1)),
  TASKREST_ALERT_WAITING_SECONDS: variable(
    'how long an execution may wait before it starts an alert',
    numVar(600, 0.1),
  ),
  TASKREST_ALERT_CHECK_SECONDS: variable(
    'how often the API process evaluates the alert conditions',
    numVar(5, 0.05),
  ),
  TASKREST_OUTBOUND_ALLOW_HOSTS: variable(
    'the only hosts requests may go to (`api.example.com`, `*.example.com`); unset: any host',
    list,
  ),
  TASKREST_OUTBOUND_DENY_HOSTS: variable('hosts requests may not go to', list),
  TASKREST_OUTBOUND_ALLOW_CIDRS: variable(
    'ranges allowed inside a less specific denied range',
    cidrList,
  ),
  TASKREST_OUTBOUND_DENY_CIDRS: variable(
    'ranges refused besides the built-in ones (link-local, cloud metadata, 0.0.0.0/8)',
    cidrList,
  ),
  USER_TOKEN_SECRET: variable('signing key of `pass_user_token` tokens', z.string().optional()),
  USER_TOKEN_AUDIENCE: variable('audience of `pass_user_token` tokens', z.string().optional()),
  TASKREST_API_ORIGINS: variable(
    'own-API origins that `pass_user_token` tokens may be sent to',
    list,
  ),
  TASKREST_MAX_RESPONSE_BYTES: variable(
    'response body limit, counted after decompression',
    intVar(10 * MiB, 1),
  ),
  TASKREST_MAX_TASK_BYTES: variable('largest task accepted at enqueue', intVar(1 * MiB, 1)),
  TASKREST_MAX_FILE_BYTES: variable('largest file in the files resource', intVar(32 * MiB, 1)),
  TASKREST_KEEP_COMPLETED_SECONDS: variable(
    'retention of completed jobs, in seconds',
    intVar(86_400),
  ),
  TASKREST_KEEP_COMPLETED_COUNT: variable('retention of completed jobs, in jobs', intVar(10_000)),
  TASKREST_KEEP_FAILED_SECONDS: variable('retention of failed jobs, in seconds', intVar(604_800)),
  TASKREST_KEEP_FAILED_COUNT: variable('retention of failed jobs, in jobs', intVar(50_000)),
  TASKREST_HISTORY_URL: variable(
    'the PostgreSQL of the execution history (`postgres://…`); unset: `taskrest dev` keeps it in `.taskrest/history` under the working directory, `taskrest api` lists what Redis still holds',
    z.string().min(1).optional(),
  ),
  TASKREST_HISTORY_DAYS: variable(
    'how many days the history keeps an execution (recorders drop older ones hourly)',
    intVar(30, 1),
  ),
  TASKREST_CIRCUIT_FAILURES: variable(
    'consecutive failed attempts to one destination that open its circuit; 0 turns the breaker off',
    intVar(10),
  ),
  TASKREST_CIRCUIT_COOLDOWN_SECONDS: variable(
    'how long an open circuit stays open before one probe; doubles after each failed probe, up to 600',
    numVar(30, 0.1),
  ),
  TASKREST_MAX_HOLD_SECONDS: variable(
    "the longest a destination's own Retry-After or rate limit headers may hold it",
    numVar(3600, 1),
  ),
  TASKREST_SHUTDOWN_GRACE_SECONDS: variable(
    'how long a stopping worker lets running jobs finish before it hands them back',
    numVar(30),
  ),
  TASKREST_INLINE_RETRY_SECONDS: variable(
    'longest retry wait slept in the worker; a longer one parks the job as delayed and frees the slot',
    numVar(5),
  ),
  TASKREST_MAX_TASK_SECONDS: variable(
    "the longest an execution runs in a worker slot at a stretch (its attempts and the retry waits slept in the worker); a task's own timeouts above it give way to it",
    z.coerce
      .number({ error: 'expected a number of seconds' })
      .min(1, { error: 'expected a number of seconds >= 1' })
      .max(86_400, { error: 'expected at most 86400 seconds' })
      .default(300),
  ),
  TASKREST_STALLED_INTERVAL_SECONDS: variable(
    'how often workers look for jobs of dead workers',
    numVar(30, 0.1),
  ),
  TASKREST_MAX_STALLED_COUNT: variable(
    'recoveries from dead workers before a job fails',
    intVar(1),
  ),
  TASKREST_LOCK_DURATION_SECONDS: variable(
    "lock of a running job; a dead worker's jobs run again after at most this plus the stalled interval",
    numVar(30, 0.5),
  ),
  TASKREST_HEALTH_PORT: variable(
    "port of the worker's `/livez` and `/readyz` (`0`: any free port, logged)",
    port.optional(),
  ),
  TASKREST_HEALTH_HOST: variable(
    'address of the health endpoint (`0.0.0.0` in a container)',
    z.string().min(1).default('127.0.0.1'),
  ),
  TASKREST_LOG_LEVEL: variable(
    '`debug`, `info`, `warn`, `error` (JSON lines on stderr)',
    z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  ),
} as const;

type ParsersOf<T extends Record<string, ConfigVariable>> = { [K in keyof T]: T[K]['parser'] };

/** The loader's schema: one field per variable of the table. */
/**
 * The defaults a library user shares with the environment
 * (`new TaskProducer(options)`), read off the parsers above.
 */
export const DEFAULTS = Object.freeze({
  redisUrl: CONFIG_TABLE.REDIS_URL.parser.parse(undefined),
  queueName: CONFIG_TABLE.TASKREST_QUEUE.parser.parse(undefined),
  prefix: CONFIG_TABLE.TASKREST_PREFIX.parser.parse(undefined),
  maxQueues: CONFIG_TABLE.TASKREST_MAX_QUEUES.parser.parse(undefined),
  maxTaskBytes: CONFIG_TABLE.TASKREST_MAX_TASK_BYTES.parser.parse(undefined),
  maxFileBytes: CONFIG_TABLE.TASKREST_MAX_FILE_BYTES.parser.parse(undefined),
  keepCompleted: Object.freeze({
    age: CONFIG_TABLE.TASKREST_KEEP_COMPLETED_SECONDS.parser.parse(undefined),
    count: CONFIG_TABLE.TASKREST_KEEP_COMPLETED_COUNT.parser.parse(undefined),
  }),
  keepFailed: Object.freeze({
    age: CONFIG_TABLE.TASKREST_KEEP_FAILED_SECONDS.parser.parse(undefined),
    count: CONFIG_TABLE.TASKREST_KEEP_FAILED_COUNT.parser.parse(undefined),
  }),
});

export const envSchema = z.object(
  Object.fromEntries(
    Object.entries(CONFIG_TABLE).map(([name, { parser }]) => [name, parser]),
  ) as ParsersOf<typeof CONFIG_TABLE>,
);

/** The names of every environment variable taskrest reads. */
export const CONFIG_VARIABLES: readonly string[] = Object.freeze(Object.keys(CONFIG_TABLE));

/** One row of the docs' table. */
export interface ConfigurationRow {
  readonly name: string;
  /** As the docs show it: `` `16` ``, `` `10485760` (10 MiB) ``, or `unset`. */
  readonly default: string;
  readonly meaning: string;
}

/** The docs' table, from the parsers themselves: a default changed in code shows up here. */
export function configurationRows(): ConfigurationRow[] {
  return Object.entries(CONFIG_TABLE).map(([name, { meaning, parser }]) => ({
    name,
    default: shownDefault(parser.parse(undefined)),
    meaning,
  }));
}

function shownDefault(value: unknown): string {
  if (value === undefined || value === false || (Array.isArray(value) && value.length === 0)) {
    return 'unset';
  }
  if (typeof value === 'number' && value >= MiB && value % MiB === 0) {
    return `\`${value}\` (${value / MiB} MiB)`;
  }
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}
