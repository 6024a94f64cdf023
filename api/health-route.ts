import type { FastifyInstance } from 'fastify';
import { waitForRedis, type RedisClient } from '../shared/redis-connection.js';
import { jsonResponse } from './openapi-schemas.js';

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

/** `GET /health`: 200 `{"status": "ok"}` when Redis answers PING, else 503 `{"status": "unavailable"}`. */
export function healthRoute(redis: RedisClient) {
  return (app: FastifyInstance, _options: unknown, done: () => void): void => {
    app.get('/health', { schema }, async (_request, reply) => {
      try {
        await waitForRedis(redis);
        await redis.ping();
        return { status: 'ok' };
      } catch {
        return reply.code(503).send({ status: 'unavailable', redis: 'does not answer' });
      }
    });
    done();
  };
}
