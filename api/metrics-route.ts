import type { FastifyInstance } from 'fastify';
import { errorResponse } from './openapi-schemas.js';
import type { PrometheusMetrics } from './prometheus-metrics.js';

const schema = {
  tags: ['operations'],
  summary: 'Prometheus metrics',
  security: [],
  response: {
    200: {
      description: 'Prometheus text format 0.0.4',
      content: { 'text/plain': { schema: { type: 'string' } } },
    },
    503: errorResponse('Redis does not answer'),
  },
};

/** `GET /metrics`: Prometheus text format; 503 when Redis does not answer. */
export function metricsRoute(metrics: PrometheusMetrics) {
  return (app: FastifyInstance, _options: unknown, done: () => void): void => {
    app.get('/metrics', { schema }, async (_request, reply) => {
      const text = await metrics.render();
      return reply.header('content-type', metrics.contentType).send(text);
    });
    done();
  };
}
