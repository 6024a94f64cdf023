import type { FastifyInstance } from 'fastify';
import type { TaskProducer } from '../producer/task-producer.js';
import { optionsOfSettings } from '../shared/schedule-settings.js';
import {
  commonErrors,
  tooManyQueues,
  errorResponse,
  jsonResponse,
  ref,
} from './openapi-schemas.js';

const idParams = {
  type: 'object',
  required: ['id'],
  properties: {
    id: {
      type: 'string',
      description: 'the schedule id (letters, digits, _ . -), unique across queues',
    },
  },
};

const listSchema = {
  tags: ['schedules'],
  summary: 'Every schedule of every queue',
  response: {
    200: jsonResponse('the schedules, by id', { type: 'array', items: ref('Schedule') }),
    ...commonErrors,
  },
};

const getSchema = {
  tags: ['schedules'],
  summary: 'One schedule, with its last executions',
  params: idParams,
  response: {
    200: jsonResponse('the schedule', ref('Schedule')),
    404: errorResponse('no such schedule'),
    ...commonErrors,
  },
};

const putSchema = {
  tags: ['schedules'],
  summary: 'Create or replace a schedule: a task enqueued by cron expression or interval',
  params: idParams,
  body: ref('ScheduleSettings'),
  response: {
    200: jsonResponse('the schedule as it is now, with next_run_at', ref('Schedule')),
    400: errorResponse('a bad setting or an invalid task, each field named; nothing stored'),
    413: errorResponse('the task is over the size limit'),
    ...tooManyQueues,
    ...commonErrors,
  },
};

const deleteSchema = {
  tags: ['schedules'],
  summary: 'Remove a schedule (an execution running now finishes)',
  params: idParams,
  response: {
    204: { description: 'removed', type: 'null' },
    404: errorResponse('no such schedule'),
    ...commonErrors,
  },
};

/**
 * The schedules resource: `GET /api/schedules`, `GET/PUT/DELETE
 * /api/schedules/:id`. PUT checks the body with the one schema in
 * shared/schedule-settings.ts and the task as an enqueue does (400 naming
 * the field, nothing stored).
 */
export function schedulesRoutes(producer: TaskProducer) {
  return (app: FastifyInstance, _options: unknown, done: () => void): void => {
    app.get('/api/schedules', { schema: listSchema }, async () => producer.schedules.list());

    app.get<{ Params: { id: string } }>(
      '/api/schedules/:id',
      { schema: getSchema },
      async (request) => producer.schedules.get(request.params.id),
    );

    app.put<{ Params: { id: string }; Body: unknown }>(
      '/api/schedules/:id',
      { schema: putSchema },
      async (request) =>
        // The bearer token's holder starts its executions, as with POST /api/tasks.
        producer.schedules.set(
          request.params.id,
          optionsOfSettings(request.body === undefined ? {} : request.body),
          {
            user: request.caller,
          },
        ),
    );

    app.delete<{ Params: { id: string } }>(
      '/api/schedules/:id',
      { schema: deleteSchema },
      async (request, reply) => {
        await producer.schedules.remove(request.params.id);
        return reply.code(204).send();
      },
    );
    done();
  };
}
