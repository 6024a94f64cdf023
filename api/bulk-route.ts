import type { FastifyInstance } from 'fastify';
import type { Config } from '../shared/config.js';
import { InvalidTaskError } from '../shared/errors/invalid-task-error.js';
import type { TaskInput } from '../shared/task-schema.js';
import type { BulkItem, TaskProducer } from '../producer/task-producer.js';
import { checkEnqueueOptions } from '../shared/enqueue-options.js';
import { repeatedKeyIssues } from '../shared/repeated-keys.js';
import { InvalidOptionsError } from '../shared/errors/invalid-options-error.js';
import type { ValidationIssue } from '../shared/errors/invalid-task-error.js';
import {
  enqueueOptionsJsonSchemas,
  enqueueOptionsOfQuery,
  enqueueQueryProperties,
  libraryOptionsOf,
} from './enqueue-query.js';
import {
  commonErrors,
  tooManyQueues,
  errorResponse,
  jsonResponse,
  ref,
} from './openapi-schemas.js';
import { TRACE_HEADERS, withEnqueueSpan } from './enqueue-span.js';
import { queueParamOf, TASK_ROUTE_BASES } from './tasks-routes.js';

/** Most tasks one bulk request may carry. */
export const MAX_BULK_TASKS = 1000;
/** Cap on a bulk request's body, whatever TASKREST_MAX_TASK_BYTES × MAX_BULK_TASKS comes to. */
export const MAX_BULK_BYTES = 32 * 1024 * 1024;

const schema = {
  tags: ['tasks'],
  summary: `Enqueue 1 to ${MAX_BULK_TASKS} tasks, all or nothing`,
  description:
    'The body is an array of tasks, or of items `{"task", "delay"?, "run_at"?, "priority"?, "idempotency_key"?}` ' +
    '(the two may be mixed). Query parameters are the options of every item; an item’s own go over them ' +
    '(its delay or run_at replaces both of the query’s). An item’s idempotency_key works as the single ' +
    'route’s Idempotency-Key: a known key answers its execution and stores nothing new.',
  headers: { type: 'object', properties: TRACE_HEADERS },
  querystring: { type: 'object', properties: enqueueQueryProperties() },
  body: {
    type: 'array',
    items: {
      oneOf: [
        ref('Task'),
        {
          type: 'object',
          required: ['task'],
          properties: { task: ref('Task'), ...enqueueOptionsJsonSchemas() },
          additionalProperties: false,
        },
      ],
    },
    minItems: 1,
    maxItems: MAX_BULK_TASKS,
  },
  response: {
    202: jsonResponse('enqueued, in order', { type: 'array', items: ref('Enqueued') }),
    400: errorResponse(
      'invalid task or options: issue paths start with the index (`3.url`, `1.task.url`, `1.priority`)',
    ),
    413: errorResponse('body too large'),
    ...tooManyQueues,
    ...commonErrors,
  },
};

/**
 * The library's bulk entries of a bulk body: bare tasks as they are, items
 * (objects with a `task`) with their options checked. Throws an
 * InvalidOptionsError naming every bad option by its index (`1.priority`)
 * before anything is stored.
 */
function bulkEntriesOf(body: readonly unknown[]): (TaskInput | BulkItem)[] {
  const issues: ValidationIssue[] = [];
  const entries = body.map((entry, index) => {
    if (entry === null || typeof entry !== 'object' || !('task' in entry))
      return entry as TaskInput;
    const { task, ...options } = entry as { task: TaskInput };
    const checked = checkEnqueueOptions(options, String(index));
    if (!checked.ok) {
      issues.push(...checked.issues);
      return { task };
    }
    return { task, ...libraryOptionsOf(checked.options) };
  });
  const keys = body.map((entry) =>
    entry !== null && typeof entry === 'object' && 'idempotency_key' in entry
      ? String(entry.idempotency_key)
      : undefined,
  );
  issues.push(...repeatedKeyIssues(keys, 'idempotency_key'));
  if (issues.length > 0) throw new InvalidOptionsError(issues);
  return entries;
}

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
        const defaults = libraryOptionsOf(enqueueOptionsOfQuery(request.query));
        const entries = bulkEntriesOf(tasks);
        const executions = await withEnqueueSpan(request.headers, (traceContext) =>
          producer.enqueueBulk(entries, {
            ...defaults,
            ...(queue === undefined ? {} : { queue }),
            ...(request.caller === undefined ? {} : { user: request.caller }),
            ...(traceContext === undefined ? {} : { traceContext }),
          }),
        );
        return reply.code(202).send(
          executions.map(({ executionId, queue, state }) => ({
            execution_id: executionId,
            queue,
            state,
          })),
        );
      });
    }
    done();
  };
}
