import { isIP } from 'node:net';
import { z } from 'zod';
import { ConfigError } from './errors/config-error.js';

/**
 * taskrest's configuration, read from the environment once at start and
 * validated into a frozen object. Every default lives here.
 */
export interface Config {
  /** `REDIS_URL` (comma-separated node URLs with `REDIS_CLUSTER=1`). @defaultValue redis://127.0.0.1:6379 */
  readonly redisUrl: string;
  /** `REDIS_CLUSTER=1`: connect to a Redis Cluster. @defaultValue false */
  readonly redisCluster: boolean;
  /** `TASKREST_QUEUE`. @defaultValue rest-tasks */
  readonly queueName: string;
  /** `TASKREST_PREFIX`: BullMQ key prefix; the hash tag keeps a queue in one cluster slot. @defaultValue {taskrest} */
  readonly prefix: string;
  /** `WORKER_CONCURRENCY`: jobs one worker process runs at once. @defaultValue 16 */
  readonly workerConcurrency: number;
  /** `HOST`. @defaultValue 127.0.0.1 */
  readonly host: string;
  /** `PORT`. @defaultValue 3000 */
  readonly port: number;
  /** `API_TOKENS`: bearer tokens for `/api/*`. @defaultValue [] */
  readonly apiTokens: readonly string[];
  /** `DASHBOARD_USER` / `DASHBOARD_PASSWORD`: basic auth for `/dashboard`. */
  readonly dashboardUser: string | undefined;
  readonly dashboardPassword: string | undefined;
  /** `DASHBOARD_READ_ONLY=1`: the dashboard shows the queue but cannot change it. @defaultValue false */
  readonly dashboardReadOnly: boolean;
  /** `GRANTS_FILE`: JSON file of named OAuth grants. */
  readonly grantsFile: string | undefined;
  /** `TASKREST_SECRET_KEY`: 32 bytes (hex or base64) encrypting sensitive inputs at rest. */
  readonly secretKey: Buffer | undefined;
  /** `TASKREST_OLD_SECRET_KEYS`: earlier keys (comma-separated), used only to decrypt during a key rotation. @defaultValue [] */
  readonly oldSecretKeys: readonly Buffer[];
  /** `USER_TOKEN_SECRET` / `USER_TOKEN_AUDIENCE`: signing key and audience of pass_user_token tokens. */
  readonly userTokenSecret: string | undefined;
  readonly userTokenAudience: string | undefined;
  /** `TASKREST_API_ORIGINS`: own-API origins that pass_user_token tokens may go to. @defaultValue [] */
  readonly apiOrigins: readonly string[];
  /** `TASKREST_MAX_RESPONSE_BYTES`: response body limit, after decompression. @defaultValue 10 MiB */
  readonly maxResponseBytes: number;
  /** `TASKREST_MAX_TASK_BYTES`: largest task accepted at enqueue (serialised JSON). @defaultValue 1 MiB */
  readonly maxTaskBytes: number;
  /** `TASKREST_MAX_FILE_BYTES`: largest file in the files resource. @defaultValue 32 MiB */
  readonly maxFileBytes: number;
  /** `TASKREST_KEEP_COMPLETED_SECONDS` / `_COUNT`: retention of completed jobs. @defaultValue 86400 s / 10000 */
  readonly keepCompleted: { readonly age: number; readonly count: number };
  /** `TASKREST_KEEP_FAILED_SECONDS` / `_COUNT`: retention of failed jobs. @defaultValue 604800 s / 50000 */
  readonly keepFailed: { readonly age: number; readonly count: number };
  /** `TASKREST_SHUTDOWN_GRACE_SECONDS`: how long a stopping worker lets running jobs finish. @defaultValue 30 */
  readonly shutdownGraceMs: number;
  /** `TASKREST_STALLED_INTERVAL_SECONDS`: how often workers look for jobs of dead workers. @defaultValue 30 */
  readonly stalledIntervalMs: number;
  /** `TASKREST_MAX_STALLED_COUNT`: how often a job may be recovered from a dead worker before it fails. @defaultValue 1 */
  readonly maxStalledCount: number;
  /**
   * `TASKREST_LOCK_DURATION_SECONDS`: how long a job's lock lives without renewal
   * (a running worker renews it every half of it). A dead worker's jobs are
   * recovered after at most this plus the stalled interval. @defaultValue 30
   */
  readonly lockDurationMs: number;
  /**
   * `TASKREST_HEALTH_PORT`: port of the worker's `/livez` and `/readyz`
   * endpoint (0: any free port, logged). @defaultValue unset (no endpoint)
   */
  readonly healthPort: number | undefined;
  /** `TASKREST_HEALTH_HOST`: address the health endpoint listens on. @defaultValue 127.0.0.1 */
  readonly healthHost: string;
  /** `TASKREST_OUTBOUND_ALLOW_HOSTS`: the only hosts requests may go to (`api.example.com`, `*.example.com`). @defaultValue [] (any) */
  readonly outboundAllowHosts: readonly string[];
  /** `TASKREST_OUTBOUND_DENY_HOSTS`: hosts requests may not go to (`*.internal`). @defaultValue [] */
  readonly outboundDenyHosts: readonly string[];
  /** `TASKREST_OUTBOUND_ALLOW_CIDRS`: ranges allowed inside a less specific denied range. @defaultValue [] */
  readonly outboundAllowCidrs: readonly string[];
  /**
   * `TASKREST_OUTBOUND_DENY_CIDRS`: ranges refused on top of the built-in ones
   * (link-local 169.254.0.0/16 and fe80::/10, cloud metadata, 0.0.0.0/8).
   * Loopback and private ranges are allowed unless listed here. @defaultValue []
   */
  readonly outboundDenyCidrs: readonly string[];
  /** `TASKREST_LOG_LEVEL`: `debug`, `info`, `warn` or `error`. @defaultValue info */
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
}

const MiB = 1024 * 1024;

/** Defaults shared by the environment (loadConfig) and `new TaskProducer(options)`. */
export const DEFAULTS = Object.freeze({
  redisUrl: 'redis://127.0.0.1:6379',
  queueName: 'rest-tasks',
  prefix: '{taskrest}',
  maxTaskBytes: 1 * MiB,
  maxFileBytes: 32 * MiB,
  keepCompleted: Object.freeze({ age: 86_400, count: 10_000 }),
  keepFailed: Object.freeze({ age: 604_800, count: 50_000 }),
});

/** What a queue name may contain (it becomes part of Redis keys). */
export const QUEUE_NAME = /^[\w.-]+$/;

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

const secretKeys = list.transform((values, ctx) => {
  const keys = values.map(parseSecretKey);
  if (keys.some((k) => k === null)) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected keys of 32 bytes, as 64 hex digits or base64',
    });
    return z.NEVER;
  }
  return keys as Buffer[];
});

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

const envSchema = z.object({
  REDIS_URL: z.string().min(1).default(DEFAULTS.redisUrl),
  REDIS_CLUSTER: flag,
  TASKREST_QUEUE: z
    .string()
    .regex(QUEUE_NAME, { error: 'expected letters, digits, _ . -' })
    .default(DEFAULTS.queueName),
  TASKREST_PREFIX: z.string().min(1).default(DEFAULTS.prefix),
  WORKER_CONCURRENCY: intVar(16, 1),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: intVar(3000, 0).refine((p) => p <= 65535, { error: 'expected a port number' }),
  API_TOKENS: list,
  DASHBOARD_USER: z.string().optional(),
  DASHBOARD_PASSWORD: z.string().optional(),
  DASHBOARD_READ_ONLY: flag,
  GRANTS_FILE: z.string().optional(),
  TASKREST_SECRET_KEY: secretKey,
  TASKREST_OLD_SECRET_KEYS: secretKeys,
  TASKREST_OUTBOUND_ALLOW_HOSTS: list,
  TASKREST_OUTBOUND_DENY_HOSTS: list,
  TASKREST_OUTBOUND_ALLOW_CIDRS: cidrList,
  TASKREST_OUTBOUND_DENY_CIDRS: cidrList,
  USER_TOKEN_SECRET: z.string().optional(),
  USER_TOKEN_AUDIENCE: z.string().optional(),
  TASKREST_API_ORIGINS: list,
  TASKREST_MAX_RESPONSE_BYTES: intVar(10 * MiB, 1),
  TASKREST_MAX_TASK_BYTES: intVar(DEFAULTS.maxTaskBytes, 1),
  TASKREST_MAX_FILE_BYTES: intVar(DEFAULTS.maxFileBytes, 1),
  TASKREST_KEEP_COMPLETED_SECONDS: intVar(DEFAULTS.keepCompleted.age),
  TASKREST_KEEP_COMPLETED_COUNT: intVar(DEFAULTS.keepCompleted.count),
  TASKREST_KEEP_FAILED_SECONDS: intVar(DEFAULTS.keepFailed.age),
  TASKREST_KEEP_FAILED_COUNT: intVar(DEFAULTS.keepFailed.count),
  TASKREST_SHUTDOWN_GRACE_SECONDS: numVar(30),
  TASKREST_STALLED_INTERVAL_SECONDS: numVar(30, 0.1),
  TASKREST_MAX_STALLED_COUNT: intVar(1),
  TASKREST_LOCK_DURATION_SECONDS: numVar(30, 0.5),
  TASKREST_HEALTH_PORT: z.coerce
    .number({ error: 'expected a port number' })
    .int({ error: 'expected a port number' })
    .min(0, { error: 'expected a port number' })
    .max(65535, { error: 'expected a port number' })
    .optional(),
  TASKREST_HEALTH_HOST: z.string().min(1).default('127.0.0.1'),
  TASKREST_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

/** The names of every environment variable taskrest reads (docker-compose.yml is checked against it). */
export const CONFIG_VARIABLES: readonly string[] = Object.freeze(Object.keys(envSchema.shape));

/** Reads and validates the configuration. Throws a ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty variables count as unset, as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return Object.freeze({
    redisUrl: e.REDIS_URL,
    redisCluster: e.REDIS_CLUSTER,
    queueName: e.TASKREST_QUEUE,
    prefix: e.TASKREST_PREFIX,
    workerConcurrency: e.WORKER_CONCURRENCY,
    host: e.HOST,
    port: e.PORT,
    apiTokens: Object.freeze(e.API_TOKENS),
    dashboardUser: e.DASHBOARD_USER,
    dashboardPassword: e.DASHBOARD_PASSWORD,
    dashboardReadOnly: e.DASHBOARD_READ_ONLY,
    grantsFile: e.GRANTS_FILE,
    secretKey: e.TASKREST_SECRET_KEY,
    oldSecretKeys: Object.freeze(e.TASKREST_OLD_SECRET_KEYS),
    userTokenSecret: e.USER_TOKEN_SECRET,
    userTokenAudience: e.USER_TOKEN_AUDIENCE,
    apiOrigins: Object.freeze(e.TASKREST_API_ORIGINS),
    maxResponseBytes: e.TASKREST_MAX_RESPONSE_BYTES,
    maxTaskBytes: e.TASKREST_MAX_TASK_BYTES,
    maxFileBytes: e.TASKREST_MAX_FILE_BYTES,
    keepCompleted: Object.freeze({
      age: e.TASKREST_KEEP_COMPLETED_SECONDS,
      count: e.TASKREST_KEEP_COMPLETED_COUNT,
    }),
    keepFailed: Object.freeze({
      age: e.TASKREST_KEEP_FAILED_SECONDS,
      count: e.TASKREST_KEEP_FAILED_COUNT,
    }),
    shutdownGraceMs: Math.round(e.TASKREST_SHUTDOWN_GRACE_SECONDS * 1000),
    stalledIntervalMs: Math.round(e.TASKREST_STALLED_INTERVAL_SECONDS * 1000),
    maxStalledCount: e.TASKREST_MAX_STALLED_COUNT,
    lockDurationMs: Math.round(e.TASKREST_LOCK_DURATION_SECONDS * 1000),
    healthPort: e.TASKREST_HEALTH_PORT,
    healthHost: e.TASKREST_HEALTH_HOST,
    outboundAllowHosts: Object.freeze(e.TASKREST_OUTBOUND_ALLOW_HOSTS),
    outboundDenyHosts: Object.freeze(e.TASKREST_OUTBOUND_DENY_HOSTS),
    outboundAllowCidrs: Object.freeze(e.TASKREST_OUTBOUND_ALLOW_CIDRS),
    outboundDenyCidrs: Object.freeze(e.TASKREST_OUTBOUND_DENY_CIDRS),
    logLevel: e.TASKREST_LOG_LEVEL,
  });
}
