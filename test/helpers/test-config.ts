import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../shared/config.js';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

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
