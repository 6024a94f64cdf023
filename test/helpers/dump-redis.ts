import { Redis } from 'ioredis';
import type { Config } from '../../shared/config.js';

/** Everything Redis holds under the configuration's prefix, as text: every key, by its type. */
export async function dumpRedis(config: Config): Promise<string> {
  const redis = new Redis(config.redisUrl);
  const parts: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.prefix}*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        let value: unknown;
        if (type === 'string') value = await redis.get(key);
        else if (type === 'hash') value = await redis.hgetall(key);
        else if (type === 'list') value = await redis.lrange(key, 0, -1);
        else if (type === 'zset') value = await redis.zrange(key, 0, -1, 'WITHSCORES');
        else if (type === 'set') value = await redis.smembers(key);
        else if (type === 'stream') value = await redis.xrange(key, '-', '+');
        else value = `(type ${type})`;
        parts.push(`${key} ${type} ${JSON.stringify(value)}`);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return parts.join('\n');
}
