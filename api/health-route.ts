import type { FastifyInstance } from 'fastify';
import { waitForRedis, type RedisClient } from '../shared/redis-connection.js';
import { RedisPing } from '../shared/redis-ping.js';
import { jsonResponse } from './openapi-schemas.js';

/**
 * How long `/health` waits for Redis before it says no: well inside the 2 s
 * a probe is promised, so that a probe with a short timeout sees 503, not a
 * timeout of its own, when Redis is down or frozen.
 */
export const HEALTH_DEADLINE_MS = 1000;

const status = (description: string) => jsonResponse(description, { type: 'object' });
const schema = {
  tags: ['operations'],
  summary: 'Does Redis answer?',
  security: [],
  response: {
    200: status('yes: `{"status": "ok"}`'),
    503: status('no: `{"status": "unavailable"}`'),
  },
};

/** Whether Redis answers, connection and PING together, within `deadlineMs`. */
async function answersWithin(
  redis: RedisClient,
  ping: RedisPing,
  deadlineMs: number,
): Promise<boolean> {
  const startedAt = Date.now();
  try {
    await waitForRedis(redis, deadlineMs);
  } catch {
    return false;
  }
  return ping.answersWithin(deadlineMs - (Date.now() - startedAt));
}

/** `GET /health`: 200 `{"status": "ok"}` when Redis answers PING in time, else 503 `{"status": "unavailable"}`. */
export function healthRoute(redis: RedisClient, deadlineMs = HEALTH_DEADLINE_MS) {
  const ping = new RedisPing(redis);
  return (app: FastifyInstance, _options: unknown, done: () => void): void => {
    app.get('/health', { schema }, async (_request, reply) => {
      if (await answersWithin(redis, ping, deadlineMs)) return { status: 'ok' };
      return reply.code(503).send({ status: 'unavailable', redis: 'does not answer' });
    });
    done();
  };
}
