/* eslint-disable @typescript-eslint/no-explicit-any --
   HTTP answers are untyped JSON; the expectations check their shape. */
import { describe, expect, it } from 'vitest';
import { useApiOnOwnRedis } from '../../helpers/api-on-own-redis.js';

/** The dashboard's JSON API while Redis is down: 503 like the rest of the API, never a 500. */
describe('Redis down: dashboard API', () => {
  const scene = useApiOnOwnRedis();

  it('GET /dashboard/api/queues answers 200 with Redis up and 503 with it stopped', async () => {
    const up = await fetch(`${scene.url}/dashboard/api/queues`);
    expect(up.status).toBe(200);
    await up.arrayBuffer();

    await scene.redis.stop();
    const down = await fetch(`${scene.url}/dashboard/api/queues`);
    const body: any = await down.json();
    expect(down.status).toBe(503);
    expect(body.error).toBe('redis unavailable');
  }, 60_000);
});
