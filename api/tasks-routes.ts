import type { FastifyInstance } from 'fastify';
import type { Config } from '../shared/config.js';
import { isFinished } from '../shared/execution.js';
import type { TaskInput } from '../shared/task-schema.js';
import type { TaskProducer } from '../producer/task-producer.js';
import { ErrorCode } from '../shared/errors/error-codes.js';
import { ApiError } from './api-error.js';
import { TRACE_HEADERS, withEnqueueSpan } from './enqueue-span.js';
import { IDEMPOTENCY_KEY_PATTERN, idempotencyKeyOf } from './idempotency-key.js';
import {
  enqueueOptionsOfQuery,
  enqueueQueryProperties,
  libraryOptionsOf,
} from './enqueue-query.js';
import {
  commonErrors,
  errorResponse,
  jsonResponse,
  ref,
  tooManyQueues,
} from './openapi-schemas.js';

/** The longest `?wait=SECONDS` the API accepts. */
export const MAX_WAIT_SECONDS = 600;

/** The two homes of the task routes: the default queue's and a named queue's. */
export const TASK_ROUTE_BASES = ['/api/tasks', '/api/queues/:queue/tasks'] as const;

/** The queue a request names (`:queue`), or undefined for the default queue's routes. */
export function queueParamOf(params: unknown): string | undefined {
  return (params as { queue?: string }).queue;
}

/**
 * `POST /api/tasks` (202, or 200 with the output when `?wait` saw it finish;
 * `Idempotency-Key` returns the existing execution), `GET /api/tasks/:id`,
 * `DELETE /api/tasks/:id`; the same under `/api/queues/:queue/tasks` for a
 * named queue. Every answer names its queue.
 */
export function tasksRoutes(
  producer: TaskProducer,
  { maxTaskBytes }: Pick<Config, 'maxTaskBytes'>,
) {
  return (app: FastifyInstance, _options: unknown, done: () => void): void => {
    for (const base of TASK_ROUTE_BASES) routesAt(app, base, producer, maxTaskBytes);
    done();
  };
}

/** The four task routes under one home (`base`). */
function routesAt(
  app: FastifyInstance,
  base: string,
  producer: TaskProducer,
  maxTaskBytes: number,
): void {
  enqueueRoute(app, base, producer, maxTaskBytes);
  getRoute(app, base, producer);
  deleteRoute(app, base, producer);
  retryRoute(app, base, producer);
}

/** `POST base`: 202 enqueued, or 200 with the execution when `?wait` saw it finish or the key is known. */
function enqueueRoute(
  app: FastifyInstance,
  base: string,
  producer: TaskProducer,
  maxTaskBytes: number,
): void {
  app.post<{ Body: unknown; Querystring: { wait?: string } }>(
    base,
    { bodyLimit: maxTaskBytes, schema: enqueueSchema },
    async (request, reply) => {
      const queueParam = queueParamOf(request.params);
      const waitMs = waitMsOf(request.query.wait);
      const options = libraryOptionsOf(enqueueOptionsOfQuery(request.query, ['wait']));
      const key = idempotencyKeyOf(request.headers['idempotency-key']);
      // The key is the job id: BullMQ keeps an existing job of that id
      // (atomically, in the add itself) and reports it as a duplicate, so
      // two requests with one key, or a retry after an unknown outcome,
      // never make a second execution.
      const {
        executionId: id,
        queue,
        state,
        duplicate,
      } = await withEnqueueSpan(request.headers, (traceContext) =>
        producer.enqueue(request.body as TaskInput, {
          ...options,
          ...(queueParam === undefined ? {} : { queue: queueParam }),
          ...(key === undefined ? {} : { jobId: key }),
          ...(request.caller === undefined ? {} : { user: request.caller }),
          ...(traceContext === undefined ? {} : { traceContext }),
        }),
      );
      const found = duplicate ? await producer.getExecution(id, { queue }) : null;
      let execution = found;
      if (waitMs > 0 && !(execution && isFinished(execution.state))) {
        execution = (await producer.waitForResult(id, { queue, timeoutMs: waitMs })) ?? execution;
      }
      const home = queueParam === undefined ? '/api/tasks' : `/api/queues/${queue}/tasks`;
      void reply.header('location', `${home}/${encodeURIComponent(String(id))}`);
      if (execution && (found || isFinished(execution.state))) {
        return reply.code(200).send(execution);
      }
      return reply.code(202).send({ execution_id: id, queue, state: execution?.state ?? state });
    },
  );
}

/** `GET base/:id`: the execution with its task (redacted), or 404. */
function getRoute(app: FastifyInstance, base: string, producer: TaskProducer): void {
  app.get<{ Params: { id: string } }>(`${base}/:id`, { schema: getSchema }, async (request) => {
    const queue = queueParamOf(request.params);
    const execution = await producer.getExecution(request.params.id, { queue });
    if (!execution) throw notFound(request.params.id);
    // Read after the execution: a job removed in between answers without its task.
    const task = await producer.getTask(request.params.id, { queue: execution.queue });
    return task === null ? execution : { ...execution, task };
  });
}

/** `DELETE base/:id`: removes an execution that is not running, cancels a running one. */
function deleteRoute(app: FastifyInstance, base: string, producer: TaskProducer): void {
  app.delete<{ Params: { id: string } }>(
    `${base}/:id`,
    { schema: deleteSchema },
    async (request, reply) => {
      const queue = queueParamOf(request.params);
      const { id } = request.params;
      const result = await producer.remove(id, { queue });
      if (result === 'unknown') throw notFound(id);
      if (result === 'removed') return reply.code(204).send();
      // It runs now: cancelled where it runs, and answered once it ended.
      const cancelled = await producer.cancel(id, { queue, by: request.caller ?? 'api' });
      if (cancelled.state === 'removed') return reply.code(204).send();
      return reply.code(cancelled.state === 'active' ? 202 : 200).send({
        execution_id: cancelled.executionId,
        queue: cancelled.queue,
        state: cancelled.state,
      });
    },
  );
}

/** `POST base/:id/retry`: runs a failed execution again under its id. */
function retryRoute(app: FastifyInstance, base: string, producer: TaskProducer): void {
  app.post<{ Params: { id: string } }>(
    `${base}/:id/retry`,
    { schema: retrySchema },
    async (request) => {
      const queue = queueParamOf(request.params);
      const replayed = await producer.retry(request.params.id, { queue });
      return { execution_id: replayed.executionId, queue: replayed.queue, state: replayed.state };
    },
  );
}

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', description: 'the execution_id' } },
};

const enqueueSchema = {
  tags: ['tasks'],
  summary: 'Enqueue one task',
  querystring: {
    type: 'object',
    properties: {
      wait: {
        type: 'number',
        minimum: 0,
        maximum: MAX_WAIT_SECONDS,
        description: `seconds (0-${MAX_WAIT_SECONDS}) to wait for the output`,
      },
      ...enqueueQueryProperties(),
    },
  },
  headers: {
    type: 'object',
    properties: {
      'Idempotency-Key': {
        type: 'string',
        pattern: IDEMPOTENCY_KEY_PATTERN.source,
        description:
          'becomes the execution_id; a known key returns its execution (200); not only digits',
      },
      ...TRACE_HEADERS,
    },
  },
  body: ref('Task'),
  response: {
    200: jsonResponse(
      'finished within `wait`, or the execution of a known Idempotency-Key',
      ref('Execution'),
    ),
    202: jsonResponse('enqueued', ref('Enqueued')),
    400: errorResponse(
      'invalid task or invalid options: `issues` names every bad field; or a bad `wait` or key',
    ),
    413: errorResponse('task over TASKREST_MAX_TASK_BYTES'),
    ...tooManyQueues,
    ...commonErrors,
    503: errorResponse(
      'redis unavailable: nothing was stored; or outcome unknown: Redis did not answer after the task was sent (`execution_id` with an Idempotency-Key, whose retry is safe)',
    ),
  },
};

const getSchema = {
  tags: ['tasks'],
  summary: 'An execution: state, its task (secrets redacted) and, once finished, output',
  params: idParams,
  response: {
    200: jsonResponse('found', {
      allOf: [
        ref('Execution'),
        {
          type: 'object',
          properties: {
            task: {
              type: 'object',
              additionalProperties: true,
              description:
                'the task as enqueued, its secrets redacted (credential headers, cookies, URL credentials, credential-like params and form fields)',
            },
          },
        },
      ],
    }),
    404: errorResponse('unknown'),
    ...commonErrors,
  },
};

const deleteSchema = {
  tags: ['tasks'],
  summary: 'Remove an execution that is not running, or cancel a running one',
  description:
    'Waiting, delayed, prioritized, parked (delayed for a retry) and finished executions are removed (204). ' +
    'A running one is cancelled: the worker running it aborts its request within 2 s and it ends failed ' +
    'with message `cancelled`, its log naming who cancelled (the API token, or `api`): 200 once it ended; ' +
    '202 when no worker ended it within 5 s (its worker died: the next worker to take it up ends it). ' +
    'A callback execution (`callback!<id>`) is removed alone: the execution it reports on stays. ' +
    "A schedule's pending execution is refused (409 `scheduled execution`): remove the schedule instead.",
  params: idParams,
  response: {
    200: jsonResponse('cancelled: it ended (state failed)', ref('Enqueued')),
    202: jsonResponse('cancel recorded, the execution still active', ref('Enqueued')),
    204: { description: 'removed', type: 'null' },
    404: errorResponse('unknown'),
    409: errorResponse(
      "`already finished`: it finished while it was being cancelled; `scheduled execution`: a schedule's pending execution",
    ),
    ...commonErrors,
  },
};

const retrySchema = {
  tags: ['tasks'],
  summary: 'Run a failed execution again, under the same id',
  description:
    'It starts afresh: a new retry deadline, attempts counted from 1, its earlier output replaced ' +
    '(the job log keeps the earlier run, then a line that says it runs again). ' +
    'Replays of one failure that race run it once: the others answer 409.',
  params: idParams,
  response: {
    200: jsonResponse('enqueued again', ref('Enqueued')),
    404: errorResponse('unknown'),
    409: errorResponse(
      'the execution is not failed, or another replay of the same failure ran it again first',
    ),
    ...commonErrors,
  },
};

function notFound(id: string): ApiError {
  return new ApiError(ErrorCode.NOT_FOUND, `no execution ${id}`);
}

function waitMsOf(wait: string | undefined): number {
  if (wait === undefined) return 0;
  const seconds = wait === '' ? NaN : Number(wait);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_WAIT_SECONDS) {
    throw new ApiError(
      ErrorCode.BAD_REQUEST,
      `wait: expected a number of seconds from 0 to ${MAX_WAIT_SECONDS}`,
    );
  }
  return seconds * 1000;
}
