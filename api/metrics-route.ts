import type { FastifyInstance } from 'fastify';
import type { PrometheusMetrics } from './prometheus-metrics.js';

/** `GET /metrics`: Prometheus text format; 503 when Redis does not answer. */
export function metricsRoute(metrics: PrometheusMetrics) {
  return (app: FastifyInstance, _options: unknown, done: () => void): void => {
    app.get('/metrics', async (_request, reply) => {
      const text = await metrics.render();
      return reply.header('content-type', metrics.contentType).send(text);
    });
    done();
  };
}
