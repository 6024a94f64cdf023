import type { FastifyInstance } from 'fastify';
import type { TaskProducer } from '../producer/task-producer.js';
import type { QueueSettings } from '../shared/queue-settings.js';
import {
  commonErrors,
  errorResponse,
  jsonResponse,
  ref,
  tooManyQueues,
} from './openapi-schemas.js';

const queueParams = {
  type: 'object',
  required: ['queue'],
  properties: { queue: { type: 'string', description: 'the queue name (letters, digits, _ . -)' } },
};

const listSchema = {
  tags: ['queues'],
  summary: 'Every queue with its flow control and counts',
  response: {
    200: jsonResponse('the queues', { type: 'array', items: ref('Queue') }),
    ...commonErrors,
  },
};

const getSchema = {
  tags: ['queues'],
  summary: 'One queue',
  params: queueParams,
  response: {
    200: jsonResponse('the queue', ref('Queue')),
    404: errorResponse('no such queue'),
    ...commonErrors,
  },
};

const putSchema = {
  tags: ['queues'],
  summary: 'Create a queue or change its rate limit, concurrency limit or paused state',
  params: queueParams,
  body: ref('QueueSettings'),
  response: {
    200: jsonResponse('the queue as it is now', ref('Queue')),
    400: errorResponse('a bad setting or queue name, each field named'),
    ...tooManyQueues,
    ...commonErrors,
  },
};

const deleteSchema = {
  tags: ['queues'],
  summary: 'Remove an empty queue (or any, with ?force=true)',
  params: queueParams,
  querystring: {
    type: 'object',
    properties: { force: { type: 'boolean', description: 'remove its executions too' } },
  },
  response: {
    204: { description: 'removed', type: 'null' },
    404: errorResponse('no such queue'),
    409: errorResponse('executions remain'),
    ...commonErrors,
  },
};

/**
 * The queues resource: `GET /api/queues`, `GET/PUT/DELETE /api/queues/:queue`.
 * PUT creates the queue or changes its flow control (body checked by the one
 * schema in shared/queue-settings.ts: 400 naming the field); DELETE refuses
 * (409) while executions remain, unless `?force=true`.
 */
export function queuesRoutes(producer: TaskProducer) {
  return (app: FastifyInstance, _options: unknown, done: () => void): void => {
    app.get('/api/queues', { schema: listSchema }, async () => producer.queues.list());

    app.get<{ Params: { queue: string } }>(
      '/api/queues/:queue',
      { schema: getSchema },
      async (request) => producer.queues.get(request.params.queue),
    );

    app.put<{ Params: { queue: string }; Body: unknown }>(
      '/api/queues/:queue',
      { schema: putSchema },
      async (request) =>
        // No body creates the queue as it is (no limits, running); a JSON null is refused by the
        // library's check, as any body that is not an object.
        producer.queues.set(request.params.queue, request.body as QueueSettings | undefined),
    );

    app.delete<{ Params: { queue: string }; Querystring: { force?: string } }>(
      '/api/queues/:queue',
      { schema: deleteSchema },
      async (request, reply) => {
        const force = request.query.force === 'true' || request.query.force === '1';
        await producer.queues.remove(request.params.queue, { force });
        return reply.code(204).send();
      },
    );
    done();
  };
}
