/* eslint-disable @typescript-eslint/no-explicit-any --
   HTTP answers are untyped JSON; the expectations check their shape. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../../api/create-api-server.js';
import { createLogger } from '../../../shared/logger.js';
import { ownRedis, type OwnRedis } from '../../helpers/own-redis.js';
import { testConfig } from '../../helpers/test-config.js';

/** The dashboard's JSON API while Redis is down: 503 like the rest of the API, never a 500. */
describe('Redis down: dashboard API', () => {
  let redis: OwnRedis;
  let api: ApiServer;
  let url: string;

  beforeEach(async () => {
    redis = await ownRedis();
    const config = testConfig({ REDIS_URL: redis.url });
    api = await createApiServer(config, createLogger(config));
    url = await api.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(async () => {
    await api.close();
    await redis.destroy();
  });

  it('GET /dashboard/api/queues answers 200 with Redis up and 503 with it stopped', async () => {
    const up = await fetch(`${url}/dashboard/api/queues`);
    expect(up.status).toBe(200);
    await up.arrayBuffer();

    await redis.stop();
    const down = await fetch(`${url}/dashboard/api/queues`);
    const body: any = await down.json();
    expect(down.status).toBe(503);
    expect(body.error).toBe('redis unavailable');
  }, 60_000);
});
