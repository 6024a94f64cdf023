import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../shared/config.js';
import type { Logger } from '../../shared/logger.js';
import type { RedisClient } from '../../shared/redis-connection.js';
import type { Grant } from '../../worker/executor/grants/grants-file.js';
import type { GrantedToken } from '../../worker/executor/grants/token-client.js';
import { GrantTokenCache } from '../../worker/executor/grants/token-cache.js';
import { deleteTestKeys, testConfig } from '../helpers/test-config.js';

/*
 * The token cache of two worker processes on one real Redis, with the moment
 * the second one reads Redis put exactly where the race is: after its read
 * found nothing, before it takes the lock.
 */
const GRANT: Grant = {
  type: 'client_credentials',
  token_url: 'http://127.0.0.1:9/token',
  client_id: 'orders-client',
  client_secret: 'cs-token-cache-test-secret',
  client_auth: 'basic',
};

/** A logger that keeps each line's message. */
function recordingLogger(): Logger & { readonly messages: string[] } {
  const messages: string[] = [];
  const keep = (message: string) => void messages.push(message);
  return { messages, debug: keep, info: keep, warn: keep, error: keep };
}

describe('GrantTokenCache shared by two workers', () => {
  let config: Config;
  let redis: Redis;

  beforeAll(() => {
    config = testConfig();
    redis = new Redis(config.redisUrl);
  });
  afterAll(async () => {
    await deleteTestKeys(config);
    redis.disconnect();
  });

  it('takes the token the other worker stored between its read and its lock, fetches none, and says it came from the shared cache', async () => {
    let fetches = 0;
    const fetchToken = (): Promise<GrantedToken> => {
      fetches += 1;
      return Promise.resolve({
        accessToken: `at-${fetches}`,
        expiresInS: 600,
        refreshToken: undefined,
      });
    };
    const first = new GrantTokenCache(redis, config, 'orders', GRANT, fetchToken);

    // The second worker's first read of the token key finds nothing; before that
    // answer reaches it, the first worker fetches and stores the token.
    let raced = false;
    const racing = new Proxy(redis, {
      get(target, property, receiver) {
        if (property !== 'get') return Reflect.get(target, property, receiver) as unknown;
        return async (key: string) => {
          const value = await target.get(key);
          if (!raced && key.endsWith(':token')) {
            raced = true;
            expect(value).toBeNull();
            await first.get();
          }
          return value;
        };
      },
    }) as RedisClient;
    const logger = recordingLogger();
    const second = new GrantTokenCache(racing, config, 'orders', GRANT, fetchToken, { logger });

    expect(await second.get()).toBe('at-1');
    expect(raced).toBe(true);
    expect(fetches).toBe(1);
    expect(logger.messages).toEqual(['grant token from the shared cache']);
  });
});
