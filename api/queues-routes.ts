import type { FastifyInstance } from 'fastify';
import type { TaskProducer } from '../producer/task-producer.js';

/**
 * The queues resource: `GET /api/queues`, `GET/PUT/DELETE /api/queues/:queue`.
 * PUT creates the queue or changes its flow control (body checked by the one
 * schema in shared/queue-settings.ts: 400 naming the field); DELETE refuses
 * (409) while executions remain, unless `?force=true`.
 */
export function queuesRoutes(producer: TaskProducer) {
  return (app: FastifyInstance, _options: unknown, done: () => void): void => {
    app.get('/api/queues', async () => producer.queues.list());

    app.get<{ Params: { queue: string } }>('/api/queues/:queue', async (request) =>
      producer.queues.get(request.params.queue),
    );

    app.put<{ Params: { queue: string }; Body: unknown }>('/api/queues/:queue', async (request) =>
      // An empty body creates the queue as it is (no limits, running).
      producer.queues.set(request.params.queue, request.body ?? {}),
    );

    app.delete<{ Params: { queue: string }; Querystring: { force?: string } }>(
      '/api/queues/:queue',
      async (request, reply) => {
        const force = request.query.force === 'true' || request.query.force === '1';
        await producer.queues.remove(request.params.queue, { force });
        return reply.code(204).send();
      },
    );
    done();
  };
}
