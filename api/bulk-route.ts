import type { FastifyInstance } from 'fastify';
import type { Config } from '../shared/config.js';
import { InvalidTaskError } from '../shared/errors/invalid-task-error.js';
import type { TaskInput } from '../shared/task-schema.js';
import type { TaskProducer } from '../producer/task-producer.js';
import { commonErrors, errorResponse, jsonResponse, ref } from './openapi-schemas.js';
import { TRACE_HEADERS, withEnqueueSpan } from './enqueue-span.js';
import { queueParamOf, TASK_ROUTE_BASES } from './tasks-routes.js';

/** Most tasks one bulk request may carry. */
export const MAX_BULK_TASKS = 1000;
/** Cap on a bulk request's body, whatever TASKREST_MAX_TASK_BYTES × MAX_BULK_TASKS comes to. */
export const MAX_BULK_BYTES = 32 * 1024 * 1024;

const schema = {
  tags: ['tasks'],
  summary: `Enqueue 1 to ${MAX_BULK_TASKS} tasks, all or nothing`,
  headers: { type: 'object', properties: TRACE_HEADERS },
  body: { type: 'array', items: ref('Task'), minItems: 1, maxItems: MAX_BULK_TASKS },
  response: {
    202: jsonResponse('enqueued, in order', { type: 'array', items: ref('Enqueued') }),
    400: errorResponse('invalid task: issue paths start with the index (`3.url`)'),
    413: errorResponse('body too large'),
    ...commonErrors,
  },
};

/**
 * `POST /api/tasks/bulk` (and `/api/queues/:queue/tasks/bulk`): an array of tasks, enqueued all or nothing (BullMQ
 * addBulk, one round trip). 202 with `[{"execution_id", "state"}]` in order;
 * 400 naming the index of each bad task (`3.url`). Each task is held to
 * TASKREST_MAX_TASK_BYTES; the body to that times the number of tasks, at
 * most MAX_BULK_BYTES.
 */
export function bulkRoute(producer: TaskProducer, { maxTaskBytes }: Pick<Config, 'maxTaskBytes'>) {
  const bodyLimit = Math.min(maxTaskBytes * MAX_BULK_TASKS, MAX_BULK_BYTES);
  return (app: FastifyInstance, _options: unknown, done: () => void): void => {
    for (const base of TASK_ROUTE_BASES) {
      app.post<{ Body: unknown }>(`${base}/bulk`, { bodyLimit, schema }, async (request, reply) => {
        const queue = queueParamOf(request.params);
        const tasks = request.body;
        if (!Array.isArray(tasks) || tasks.length === 0 || tasks.length > MAX_BULK_TASKS) {
          throw new InvalidTaskError([
            { path: '', message: `expected an array of 1 to ${MAX_BULK_TASKS} tasks` },
          ]);
        }
        const executions = await withEnqueueSpan(request.headers, (traceContext) =>
          producer.enqueueBulk(tasks as TaskInput[], {
            ...(queue === undefined ? {} : { queue }),
            ...(request.caller === undefined ? {} : { user: request.caller }),
            ...(traceContext === undefined ? {} : { traceContext }),
          }),
        );
        return reply.code(202).send(
          executions.map(({ executionId, queue }) => ({
            execution_id: executionId,
            queue,
            state: 'waiting',
          })),
        );
      });
    }
    done();
  };
}
