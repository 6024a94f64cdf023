import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';
import { DEFAULTS, parseSecretKey, QUEUE_NAME, type Config } from '../shared/config.js';
import { ConfigError } from '../shared/errors/config-error.js';
import type { ExecutionHistory } from '../shared/history/execution-history.js';

/** How long jobs are kept after they finished: BullMQ's `removeOnComplete`/`removeOnFail`. */
export interface Retention {
  /** Seconds a finished job is kept. */
  age?: number;
  /** The most finished jobs kept. */
  count?: number;
}

/**
 * Options of `new TaskProducer(options)`, shaped like BullMQ's `Queue`
 * options. Every option is optional; workers must use the same `queue`,
 * `prefix` and Redis (and `secretKey`, to open sealed secrets).
 */
export interface TaskProducerOptions {
  /**
   * A Redis connection you own: an ioredis `Redis` or `Cluster` client. The
   * producer uses it and never closes it (`close()` leaves it open). Give
   * either this or `redisUrl`. For fail-fast enqueues, create it with
   * `maxRetriesPerRequest: 1` and `enableOfflineQueue: false`.
   * @defaultValue undefined (a connection to `redisUrl` is created)
   */
  connection?: Redis | Cluster;
  /**
   * The Redis to connect to (comma-separated node URLs with `redisCluster`).
   * The producer creates this connection and closes it in `close()`.
   * @defaultValue 'redis://127.0.0.1:6379'
   */
  redisUrl?: string;
  /** Connect to a Redis Cluster at `redisUrl`. @defaultValue false */
  redisCluster?: boolean;
  /** The default queue: of calls that name none (letters, digits, `_ . -`). @defaultValue 'rest-tasks' */
  queue?: string;
  /**
   * Key prefix: each queue's BullMQ prefix is the hash tag `{<prefix>:<queue>}`,
   * one cluster slot per queue; a prefix with a hash tag of its own
   * (`{taskrest}`) is used as written for every queue. @defaultValue 'taskrest'
   */
  prefix?: string;
  /**
   * Encrypts sensitive task inputs before they reach Redis: 32 bytes, as a
   * Buffer or as 64 hex digits or base64.
   * @defaultValue undefined (stored as given)
   */
  secretKey?: Buffer | string;
  /** Earlier keys, kept for a key rotation (same forms as `secretKey`). @defaultValue [] */
  oldSecretKeys?: readonly (Buffer | string)[];
  /**
   * The most queues there may be (the default queue included): an enqueue,
   * `queues.set` or `schedules.set` that would create one more rejects with
   * TooManyQueuesError and stores nothing. Give every producer of a
   * deployment the same (TASKREST_MAX_QUEUES). @defaultValue 100
   */
  maxQueues?: number;
  /** Largest task accepted by `enqueue`, as serialised JSON, in bytes. @defaultValue 1048576 (1 MiB) */
  maxTaskBytes?: number;
  /** Largest file accepted by `files.put`, in bytes. @defaultValue 33554432 (32 MiB) */
  maxFileBytes?: number;
  /**
   * Retention of completed executions, written into each job it enqueues;
   * an unset field takes the default (age 86400, count 10000). Not given:
   * the workers' own (TASKREST_KEEP_COMPLETED_*) applies, and no byte of
   * the job goes to it. @defaultValue undefined
   */
  keepCompleted?: Retention;
  /**
   * Retention of failed executions, as `keepCompleted` (defaults age
   * 604800, count 50000; not given: TASKREST_KEEP_FAILED_* of the workers).
   * @defaultValue undefined
   */
  keepFailed?: Retention;
  /**
   * Where `listExecutions` (and the API's `GET /api/executions`) read the
   * executions that ended: a history store, such as the one taskrest's
   * `history/open-history.js` opens on TASKREST_HISTORY_URL's PostgreSQL.
   * Handed in rather than opened here, so that the library never loads a
   * database client a service does not use. The producer does not close it.
   * @defaultValue undefined (what Redis still holds: the completed and failed
   * executions retention keeps, listed with `source: 'redis'`)
   */
  history?: ExecutionHistory;
}

/** The options once defaults are applied and values checked: what the producer runs on. */
export interface ProducerSettings {
  readonly connection: Redis | Cluster | undefined;
  readonly redisUrl: string;
  readonly redisCluster: boolean;
  readonly queueName: string;
  readonly prefix: string;
  readonly secretKey: Buffer | undefined;
  readonly oldSecretKeys: readonly Buffer[];
  readonly maxQueues: number;
  readonly maxTaskBytes: number;
  readonly maxFileBytes: number;
  /** Written into each job when given; otherwise the workers' retention applies. */
  readonly keepCompleted: { readonly age: number; readonly count: number } | undefined;
  readonly keepFailed: { readonly age: number; readonly count: number } | undefined;
  /** The history `listExecutions` reads; undefined: what Redis holds. */
  readonly history: ExecutionHistory | undefined;
}

/** Every default of TaskProducerOptions, spread under the caller's options. */
export const PRODUCER_DEFAULTS = Object.freeze({
  redisUrl: DEFAULTS.redisUrl,
  redisCluster: false,
  queue: DEFAULTS.queueName,
  prefix: DEFAULTS.prefix,
  oldSecretKeys: Object.freeze([] as Buffer[]),
  maxQueues: DEFAULTS.maxQueues,
  maxTaskBytes: DEFAULTS.maxTaskBytes,
  maxFileBytes: DEFAULTS.maxFileBytes,
});

const count = z.number().int({ error: 'expected a whole number' });
const key = z.union([z.instanceof(Buffer), z.string()]).transform((value, ctx) => {
  const parsed = Buffer.isBuffer(value)
    ? value.length === 32
      ? value
      : null
    : parseSecretKey(value);
  if (parsed) return parsed;
  ctx.addIssue({
    code: 'custom',
    message: 'expected 32 bytes (a Buffer, 64 hex digits or base64)',
  });
  return z.NEVER;
});
const retention = (fallback: { age: number; count: number }) =>
  z
    .object({
      age: count.min(0, { error: 'expected seconds >= 0' }).optional(),
      count: count.min(0, { error: 'expected a count >= 0' }).optional(),
    })
    .strict()
    .transform((r) => Object.freeze({ ...fallback, ...r }));

const optionsSchema = z
  .object({
    connection: z
      .custom<Redis | Cluster>(isRedisClient, { error: 'expected an ioredis Redis or Cluster' })
      .optional(),
    redisUrl: z.string().min(1, { error: 'expected a redis:// URL' }),
    redisCluster: z.boolean(),
    queue: z.string().regex(QUEUE_NAME, { error: 'expected letters, digits, _ . -' }),
    prefix: z.string().min(1, { error: 'expected a non-empty prefix' }),
    secretKey: key.optional(),
    oldSecretKeys: z.array(key).readonly(),
    maxQueues: count.min(1, { error: 'expected a whole number >= 1' }),
    maxTaskBytes: count.min(1, { error: 'expected a whole number >= 1' }),
    maxFileBytes: count.min(1, { error: 'expected a whole number >= 1' }),
    keepCompleted: retention(DEFAULTS.keepCompleted).optional(),
    keepFailed: retention(DEFAULTS.keepFailed).optional(),
    history: z
      .custom<ExecutionHistory>(isHistory, {
        error: 'expected an ExecutionHistory (list, runs, stats)',
      })
      .optional(),
  })
  .strict();

/**
 * The defaults, then the caller's options over them, checked. Throws a
 * ConfigError naming each bad option (an unknown option is one).
 */
export function resolveProducerOptions(options: TaskProducerOptions = {}): ProducerSettings {
  if (options.connection !== undefined && options.redisUrl !== undefined) {
    throw new ConfigError('invalid TaskProducer options: give connection or redisUrl, not both');
  }
  // Options given as undefined count as not given, so `{ ...defaults, ...options }` keeps the default.
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const parsed = optionsSchema.safeParse({ ...PRODUCER_DEFAULTS, ...given });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown option ${issue.keys.join(', ')}`
        : `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`invalid TaskProducer options: ${problems.join('; ')}`);
  }
  const o = parsed.data;
  return Object.freeze({
    connection: o.connection,
    redisUrl: o.redisUrl,
    redisCluster: o.connection ? isCluster(o.connection) : o.redisCluster,
    queueName: o.queue,
    prefix: o.prefix,
    secretKey: o.secretKey,
    oldSecretKeys: Object.freeze([...o.oldSecretKeys]),
    maxQueues: o.maxQueues,
    maxTaskBytes: o.maxTaskBytes,
    maxFileBytes: o.maxFileBytes,
    keepCompleted: o.keepCompleted,
    keepFailed: o.keepFailed,
    history: o.history,
  });
}

/** The producer options of a configuration read from the environment (`loadConfig`). */
export function producerOptionsOf(config: Config): TaskProducerOptions {
  return {
    redisUrl: config.redisUrl,
    redisCluster: config.redisCluster,
    queue: config.queueName,
    prefix: config.prefix,
    ...(config.secretKey ? { secretKey: config.secretKey } : {}),
    oldSecretKeys: config.oldSecretKeys,
    maxQueues: config.maxQueues,
    maxTaskBytes: config.maxTaskBytes,
    maxFileBytes: config.maxFileBytes,
    // No retention: TASKREST_KEEP_* are the workers' (BullMQ's worker-wide
    // removeOnComplete/removeOnFail), so that no job carries its own copy.
  };
}

function isRedisClient(value: unknown): value is Redis | Cluster {
  const client = value as { duplicate?: unknown; status?: unknown } | null;
  return (
    typeof client === 'object' &&
    client !== null &&
    typeof client.duplicate === 'function' &&
    typeof client.status === 'string'
  );
}

function isHistory(value: unknown): value is ExecutionHistory {
  const history = value as Partial<ExecutionHistory> | null;
  return (
    typeof history === 'object' &&
    history !== null &&
    typeof history.list === 'function' &&
    typeof history.runs === 'function' &&
    typeof history.stats === 'function'
  );
}

function isCluster(client: Redis | Cluster): boolean {
  return (client as { isCluster?: boolean }).isCluster === true;
}
