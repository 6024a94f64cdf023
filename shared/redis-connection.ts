import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis';
import type { Config } from './config.js';
import { OutcomeUnknownError } from './errors/outcome-unknown-error.js';
import { RedisUnavailableError } from './errors/redis-unavailable-error.js';

/** A Redis client of either kind; BullMQ takes both. */
export type RedisClient = Redis | Cluster;

/**
 * What the connection is for. BullMQ workers block on Redis and must never
 * give up on a command (`maxRetriesPerRequest: null`); producers must fail
 * fast so that a caller hears "unavailable" instead of waiting forever.
 */
export type RedisRole = 'worker' | 'producer';

/** How long a producer waits for Redis before it reports it unavailable. */
export const PRODUCER_CONNECT_TIMEOUT_MS = 1500;

function optionsFor(role: RedisRole): RedisOptions {
  const common: RedisOptions = {
    // Reconnect for ever, backing off to 2 s: a worker started before Redis
    // keeps trying and starts working when Redis comes.
    retryStrategy: (times) => Math.min(times * 100, 2000),
    connectionName: `taskrest-${role}`,
  };
  return role === 'worker'
    ? { ...common, maxRetriesPerRequest: null, enableReadyCheck: true }
    : {
        ...common,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        connectTimeout: PRODUCER_CONNECT_TIMEOUT_MS,
        commandTimeout: 5000,
      };
}

/** Creates a Redis (or Redis Cluster) client for the given role from the configuration. */
export function createRedis(
  config: Pick<Config, 'redisUrl' | 'redisCluster'>,
  role: RedisRole,
): RedisClient {
  const options = optionsFor(role);
  if (!config.redisCluster) return new Redis(config.redisUrl, options);
  const nodes: ClusterNode[] = config.redisUrl.split(',').map((u) => {
    const url = new URL(u.trim());
    return { host: url.hostname, port: Number(url.port || 6379) };
  });
  const first = new URL(config.redisUrl.split(',')[0]!.trim());
  const {
    maxRetriesPerRequest,
    enableOfflineQueue,
    retryStrategy: _unused,
    ...redisOptions
  } = options;
  return new Cluster(nodes, {
    redisOptions: {
      ...redisOptions,
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
    },
    maxRedirections: 16,
    enableOfflineQueue: enableOfflineQueue ?? true,
    clusterRetryStrategy: (times) => Math.min(times * 100, 2000),
    ...(maxRetriesPerRequest === null ? {} : { maxRetriesPerRequest }),
  });
}

/**
 * Resolves once the client is ready, or rejects with RedisUnavailableError
 * after `timeoutMs`. Producers call it before every write, so that a write
 * while Redis is away fails at once instead of waiting in a queue.
 */
export async function waitForRedis(
  client: RedisClient,
  timeoutMs = PRODUCER_CONNECT_TIMEOUT_MS,
): Promise<void> {
  if (client.status === 'ready') return;
  if (client.status === 'wait') void client.connect().catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      if (error) reject(error);
      else resolve();
    };
    const onReady = () => done();
    const timer = setTimeout(
      () => done(new RedisUnavailableError(`Redis did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    client.once('ready', onReady);
  });
}

/** ioredis' ways of saying the connection, not the command, failed. */
const CONNECTION_FAILURE =
  /Connection is closed|Stream isn't writeable|Command timed out|Reached the max retries|MaxRetriesPerRequest|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH/i;

/** ioredis refused to send the command at all (no offline queue): nothing reached Redis. */
const NOT_SENT = /Stream isn't writeable/;

/** What a call does to Redis: a `write` whose answer is lost has an unknown outcome. */
export interface WithRedisOptions {
  /** @defaultValue 'read' */
  effect?: 'read' | 'write';
  /** The id a write stores under, when the caller chose it: named in OutcomeUnknownError. */
  executionId?: string | undefined;
}

/**
 * Runs `call` once Redis is ready. Redis not ready within the connect
 * timeout: RedisUnavailableError, and nothing was sent. A connection failure
 * on the way (a timeout, a reset): RedisUnavailableError for a read, but for
 * a write OutcomeUnknownError, since the command may have reached Redis and
 * run there (a frozen Redis runs it when it thaws).
 */
export async function withRedis<T>(
  client: RedisClient,
  call: () => Promise<T>,
  { effect = 'read', executionId }: WithRedisOptions = {},
): Promise<T> {
  await waitForRedis(client);
  try {
    return await call();
  } catch (error) {
    const unavailable = asRedisUnavailable(error);
    if (!(unavailable instanceof RedisUnavailableError) || error === unavailable) throw unavailable;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (effect === 'write' && !NOT_SENT.test(message)) {
      throw new OutcomeUnknownError(
        `Redis did not answer after the write was sent, so it may or may not be stored (${message})`,
        { cause: error, executionId },
      );
    }
    throw unavailable;
  }
}

/**
 * A RedisUnavailableError for an ioredis error that says the connection, not
 * the command, failed; any other value unchanged. The one place that reads
 * ioredis' messages (it gives such errors no code), so that everything
 * downstream matches on the code REDIS_UNAVAILABLE.
 */
export function asRedisUnavailable(error: unknown): unknown {
  if (error instanceof RedisUnavailableError) return error;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (!CONNECTION_FAILURE.test(message)) return error;
  return new RedisUnavailableError(`Redis connection failed: ${message}`, { cause: error });
}

/**
 * A new connection to where `client` connects (same nodes, credentials and
 * TLS) for blocking reads such as BullMQ's event stream: it never gives up on
 * a command and has no command timeout (a blocking read waits longer than a
 * producer's). The caller owns and closes it.
 */
export function duplicateForBlocking(client: RedisClient): RedisClient {
  const blocking = { maxRetriesPerRequest: null, commandTimeout: undefined };
  if (client instanceof Cluster) {
    return client.duplicate([], {
      ...client.options,
      ...blocking,
      enableOfflineQueue: true,
      redisOptions: { ...client.options.redisOptions, ...blocking },
    });
  }
  return client.duplicate({ ...blocking, enableOfflineQueue: true });
}
