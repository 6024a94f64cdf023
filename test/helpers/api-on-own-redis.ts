import { afterEach, beforeEach } from 'vitest';
import { createApiServer, type ApiServer } from '../../api/create-api-server.js';
import { createLogger } from '../../shared/logger.js';
import { ownRedis, type OwnRedis } from './own-redis.js';
import { testConfig } from './test-config.js';

/** An API server on a redis-server of its own, which the test may freeze or stop. */
export interface ApiOnOwnRedis {
  redis: OwnRedis;
  api: ApiServer;
  /** `http://127.0.0.1:<port>` */
  url: string;
}

/**
 * Starts an API on a private Redis before each test of the enclosing
 * describe, and after it thaws that Redis (a frozen one would never see its
 * stop), closes the API and destroys the Redis with its directory.
 */
export function useApiOnOwnRedis(): ApiOnOwnRedis {
  const scene = {} as ApiOnOwnRedis;
  beforeEach(async () => {
    scene.redis = await ownRedis();
    const config = testConfig({ REDIS_URL: scene.redis.url });
    scene.api = await createApiServer(config, createLogger(config));
    scene.url = await scene.api.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(async () => {
    scene.redis.thaw();
    await scene.api.close();
    await scene.redis.destroy();
  });
  return scene;
}
