import { envSchema } from './config-variables.js';
import { ConfigError } from './errors/config-error.js';

/**
 * taskrest's configuration, read from the environment once at start and
 * validated into a frozen object. Each variable's meaning, parser and
 * default live once, in config-variables.ts; the notes here say which
 * variable a field comes from.
 */
export interface Config {
  /** `REDIS_URL` (comma-separated node URLs with `REDIS_CLUSTER=1`). */
  readonly redisUrl: string;
  /** `REDIS_CLUSTER=1`: connect to a Redis Cluster. */
  readonly redisCluster: boolean;
  /** `TASKREST_QUEUE`. */
  readonly queueName: string;
  /** `TASKREST_PREFIX`: key prefix; each queue's BullMQ prefix is `{<prefix>:<queue>}` (see queue-keys.ts). */
  readonly prefix: string;
  /** `TASKREST_QUEUES`: the queues a worker consumes; empty: every queue in the registry. */
  readonly queues: readonly string[];
  /** `TASKREST_MAX_QUEUES`: the most queues there may be, the default queue included. */
  readonly maxQueues: number;
  /** `WORKER_CONCURRENCY`: jobs one worker process runs at once. */
  readonly workerConcurrency: number;
  /** `HOST`. */
  readonly host: string;
  /** `PORT`. */
  readonly port: number;
  /** `API_TOKENS`: bearer tokens for `/api/*`. */
  readonly apiTokens: readonly string[];
  /** `DASHBOARD_USER` / `DASHBOARD_PASSWORD`: basic auth for `/dashboard`. */
  readonly dashboardUser: string | undefined;
  readonly dashboardPassword: string | undefined;
  /** `DASHBOARD_READ_ONLY=1`: the dashboard shows the queue but cannot change it. */
  readonly dashboardReadOnly: boolean;
  /** `GRANTS_FILE`: JSON file of named OAuth grants. */
  readonly grantsFile: string | undefined;
  /** `TASKREST_SECRET_KEY`: 32 bytes (hex or base64) encrypting sensitive inputs at rest. */
  readonly secretKey: Buffer | undefined;
  /** `TASKREST_OLD_SECRET_KEYS`: earlier keys (comma-separated), used only to decrypt during a key rotation. */
  readonly oldSecretKeys: readonly Buffer[];
  /** `USER_TOKEN_SECRET` / `USER_TOKEN_AUDIENCE`: signing key and audience of pass_user_token tokens. */
  readonly userTokenSecret: string | undefined;
  readonly userTokenAudience: string | undefined;
  /** `TASKREST_API_ORIGINS`: own-API origins that pass_user_token tokens may go to. */
  readonly apiOrigins: readonly string[];
  /** `TASKREST_MAX_RESPONSE_BYTES`: response body limit, after decompression. */
  readonly maxResponseBytes: number;
  /** `TASKREST_MAX_TASK_BYTES`: largest task accepted at enqueue (serialised JSON). */
  readonly maxTaskBytes: number;
  /** `TASKREST_MAX_FILE_BYTES`: largest file in the files resource. */
  readonly maxFileBytes: number;
  /** `TASKREST_KEEP_COMPLETED_SECONDS` / `_COUNT`: retention of completed jobs. */
  readonly keepCompleted: { readonly age: number; readonly count: number };
  /** `TASKREST_KEEP_FAILED_SECONDS` / `_COUNT`: retention of failed jobs. */
  readonly keepFailed: { readonly age: number; readonly count: number };
  /** `TASKREST_HISTORY_URL`: the PostgreSQL of the execution history; undefined: none (see docs/configuration.md). */
  readonly historyUrl: string | undefined;
  /** `TASKREST_HISTORY_DAYS`: how many days the history keeps an execution. */
  readonly historyDays: number;
  /**
   * `TASKREST_CIRCUIT_FAILURES`: consecutive failed attempts to one destination
   * that open its circuit (0: no circuit breaker).
   */
  readonly circuitFailures: number;
  /** `TASKREST_CIRCUIT_COOLDOWN_SECONDS`: how long an open circuit stays open before its probe, in ms. */
  readonly circuitCooldownMs: number;
  /** `TASKREST_MAX_HOLD_SECONDS`: the longest hold a destination's own headers may ask for, in ms. */
  readonly maxHoldMs: number;
  /** `TASKREST_SHUTDOWN_GRACE_SECONDS`: how long a stopping worker lets running jobs finish. */
  readonly shutdownGraceMs: number;
  /**
   * `TASKREST_INLINE_RETRY_SECONDS`: the longest retry wait slept in the
   * worker; a longer one parks the execution as a delayed job.
   */
  readonly inlineRetryMs: number;
  /** `TASKREST_CALLBACK_SECRETS`: the bytes of each `whsec_` secret, the signing one first. */
  readonly callbackSecrets: readonly Buffer[];
  /**
   * `TASKREST_CALLBACK_CONNECT_TIMEOUT_SECONDS`, `_READ_TIMEOUT_SECONDS`,
   * `TASKREST_CALLBACK_TIMEOUT_SECONDS`: a callback's timeouts, in seconds as
   * a task's own (0: none).
   */
  readonly callbackTimeouts: CallbackTimeouts;
  /**
   * `TASKREST_MAX_TASK_SECONDS`: the longest an execution runs in a worker
   * slot at a stretch, its attempts and the retry waits slept there included.
   */
  readonly maxTaskMs: number;
  /** `TASKREST_STALLED_INTERVAL_SECONDS`: how often workers look for jobs of dead workers. */
  readonly stalledIntervalMs: number;
  /** `TASKREST_MAX_STALLED_COUNT`: how often a job may be recovered from a dead worker before it fails. */
  readonly maxStalledCount: number;
  /**
   * `TASKREST_LOCK_DURATION_SECONDS`: how long a job's lock lives without renewal
   * (a running worker renews it every half of it). A dead worker's jobs are
   * recovered after at most this plus the stalled interval.
   */
  readonly lockDurationMs: number;
  /**
   * `TASKREST_HEALTH_PORT`: port of the worker's `/livez` and `/readyz`
   * endpoint (0: any free port, logged).
   */
  readonly healthPort: number | undefined;
  /** `TASKREST_HEALTH_HOST`: address the health endpoint listens on. */
  readonly healthHost: string;
  /** `TASKREST_OUTBOUND_ALLOW_HOSTS`: the only hosts requests may go to (`api.example.com`, `*.example.com`). */
  readonly outboundAllowHosts: readonly string[];
  /** `TASKREST_OUTBOUND_DENY_HOSTS`: hosts requests may not go to (`*.internal`). */
  readonly outboundDenyHosts: readonly string[];
  /** `TASKREST_OUTBOUND_ALLOW_CIDRS`: ranges allowed inside a less specific denied range. */
  readonly outboundAllowCidrs: readonly string[];
  /**
   * `TASKREST_OUTBOUND_DENY_CIDRS`: ranges refused on top of the built-in ones
   * (link-local 169.254.0.0/16 and fe80::/10, cloud metadata, 0.0.0.0/8).
   * Loopback and private ranges are allowed unless listed here.
   */
  readonly outboundDenyCidrs: readonly string[];
  /** `TASKREST_ALERT_*`: the alerts the API process sends (none without a URL). */
  readonly alerts: AlertSettings;
  /** `TASKREST_LOG_LEVEL`: `debug`, `info`, `warn` or `error`. */
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** What the API process watches and where it sends alerts. */
export interface AlertSettings {
  /** `TASKREST_ALERT_URL`: the receiver; undefined: no alerts. */
  readonly url: string | undefined;
  /** `TASKREST_ALERT_FAILURE_RATE`: the failed share that starts a failure-rate alert. */
  readonly failureRate: number;
  /** `TASKREST_ALERT_MIN_EXECUTIONS`: finished executions in the window before the rate counts. */
  readonly minExecutions: number;
  /** `TASKREST_ALERT_WINDOW_SECONDS`, in ms. */
  readonly windowMs: number;
  /** `TASKREST_ALERT_WAITING_SECONDS`, in ms. */
  readonly waitingMs: number;
  /** `TASKREST_ALERT_CHECK_SECONDS`, in ms. */
  readonly checkMs: number;
}

/** A callback's timeouts, in seconds (a task's `connect_timeout`, `read_timeout`, `total_timeout`). */
export interface CallbackTimeouts {
  readonly connect: number;
  readonly read: number;
  readonly total: number;
}

export { CONFIG_VARIABLES, DEFAULTS, QUEUE_NAME, parseSecretKey } from './config-variables.js';

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
    queues: Object.freeze(e.TASKREST_QUEUES),
    maxQueues: e.TASKREST_MAX_QUEUES,
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
    historyUrl: e.TASKREST_HISTORY_URL,
    historyDays: e.TASKREST_HISTORY_DAYS,
    circuitFailures: e.TASKREST_CIRCUIT_FAILURES,
    circuitCooldownMs: Math.round(e.TASKREST_CIRCUIT_COOLDOWN_SECONDS * 1000),
    maxHoldMs: Math.round(e.TASKREST_MAX_HOLD_SECONDS * 1000),
    shutdownGraceMs: Math.round(e.TASKREST_SHUTDOWN_GRACE_SECONDS * 1000),
    inlineRetryMs: Math.round(e.TASKREST_INLINE_RETRY_SECONDS * 1000),
    callbackSecrets: Object.freeze(e.TASKREST_CALLBACK_SECRETS),
    callbackTimeouts: Object.freeze({
      connect: e.TASKREST_CALLBACK_CONNECT_TIMEOUT_SECONDS,
      read: e.TASKREST_CALLBACK_READ_TIMEOUT_SECONDS,
      total: e.TASKREST_CALLBACK_TIMEOUT_SECONDS,
    }),
    maxTaskMs: Math.round(e.TASKREST_MAX_TASK_SECONDS * 1000),
    stalledIntervalMs: Math.round(e.TASKREST_STALLED_INTERVAL_SECONDS * 1000),
    maxStalledCount: e.TASKREST_MAX_STALLED_COUNT,
    lockDurationMs: Math.round(e.TASKREST_LOCK_DURATION_SECONDS * 1000),
    healthPort: e.TASKREST_HEALTH_PORT,
    healthHost: e.TASKREST_HEALTH_HOST,
    outboundAllowHosts: Object.freeze(e.TASKREST_OUTBOUND_ALLOW_HOSTS),
    outboundDenyHosts: Object.freeze(e.TASKREST_OUTBOUND_DENY_HOSTS),
    outboundAllowCidrs: Object.freeze(e.TASKREST_OUTBOUND_ALLOW_CIDRS),
    outboundDenyCidrs: Object.freeze(e.TASKREST_OUTBOUND_DENY_CIDRS),
    alerts: Object.freeze({
      url: e.TASKREST_ALERT_URL,
      failureRate: e.TASKREST_ALERT_FAILURE_RATE,
      minExecutions: e.TASKREST_ALERT_MIN_EXECUTIONS,
      windowMs: Math.round(e.TASKREST_ALERT_WINDOW_SECONDS * 1000),
      waitingMs: Math.round(e.TASKREST_ALERT_WAITING_SECONDS * 1000),
      checkMs: Math.round(e.TASKREST_ALERT_CHECK_SECONDS * 1000),
    }),
    logLevel: e.TASKREST_LOG_LEVEL,
  });
}
