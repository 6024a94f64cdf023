import type { FastifyInstance } from 'fastify';
import { waitForRedis, type RedisClient } from '../shared/redis-connection.js';
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

/** Resolves when Redis answers PING, rejects when it does not within `deadlineMs`. */
async function pingWithin(redis: RedisClient, deadlineMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('no answer in time')), deadlineMs);
  });
  const answer = (async () => {
    await waitForRedis(redis, deadlineMs);
    await redis.ping();
  })();
  // Past the deadline nobody waits for it: its own failure, later, is nobody's.
  answer.catch(() => undefined);
  try {
    await Promise.race([answer, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** `GET /health`: 200 `{"status": "ok"}` when Redis answers PING in time, else 503 `{"status": "unavailable"}`. */
export function healthRoute(redis: RedisClient, deadlineMs = HEALTH_DEADLINE_MS) {
  return (app: FastifyInstance, _options: unknown, done: () => void): void => {
    app.get('/health', { schema }, async (_request, reply) => {
      try {
        await pingWithin(redis, deadlineMs);
        return { status: 'ok' };
      } catch {
        return reply.code(503).send({ status: 'unavailable', redis: 'does not answer' });
      }
    });
    done();
  };
}
