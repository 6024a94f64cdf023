import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../shared/config.js';

/**
 * The Redis the tests share: REDIS_URL, or the machine's. When nothing
 * answers there, the run's global setup starts a private one and sets
 * REDIS_URL for the test files (global-setup.ts).
 */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The PostgreSQL server the history's tests make their databases on (trust
 * auth for `postgres`): TEST_POSTGRES_URL, or the machine's. When it does not
 * answer, the global setup starts a throwaway cluster and sets TEST_POSTGRES_URL.
 */
export const TEST_POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** The URL of the database `name` on the tests' PostgreSQL server. */
export function testPostgresDatabaseUrl(name: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A configuration of its own for one test: a unique queue and key prefix
 * (BullMQ's model: `test-${randomUUID()}`), so tests never see each other's jobs.
 */
export function testConfig(env: Record<string, string> = {}): Config {
  const id = randomUUID().slice(0, 8);
  return loadConfig({
    REDIS_URL: TEST_REDIS_URL,
    TASKREST_QUEUE: `test-${id}`,
    TASKREST_PREFIX: `{t-${id}}`,
    TASKREST_LOG_LEVEL: 'error',
    ...env,
  });
}

/** The environment variables that give a child process the same configuration. */
export function envOf(config: Config, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    REDIS_URL: config.redisUrl,
    TASKREST_QUEUE: config.queueName,
    TASKREST_PREFIX: config.prefix,
    TASKREST_LOG_LEVEL: config.logLevel,
    ...extra,
  };
}

/** Deletes every key under the configuration's prefix. */
export async function deleteTestKeys(config: Config): Promise<void> {
  const redis = new Redis(config.redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
