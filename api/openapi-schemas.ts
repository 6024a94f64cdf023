import type { FastifyInstance } from 'fastify';
import { ExecutionState } from '../shared/execution.js';
import { addDestinationSchemas } from './destination-schemas.js';
import { queueSettingsJsonSchema } from '../shared/queue-settings.js';
import { scheduleSettingsJsonSchema } from '../shared/schedule-settings.js';
import { taskJsonSchema } from '../shared/task-schema.js';

/**
 * The shared schemas of the OpenAPI document, added to fastify by `$id`; the
 * route schemas point at them (`ref('Task')`) and @fastify/swagger lists them
 * under `components.schemas`. They document: nothing here validates or
 * serializes (see openapi-plugin.ts).
 */
export function addOpenApiSchemas(app: FastifyInstance): void {
  addExecutionSchemas(app);
  addQueueSchemas(app);
  addScheduleSchemas(app);
  addDestinationSchemas(app);
  addErrorSchema(app);
}

/** The task (from its zod schema), what enqueueing it answers, and the execution shown. */
function addExecutionSchemas(app: FastifyInstance): void {
  // The task's JSON schema is the zod schema the producer validates with; only
  // the dialect line goes, since OpenAPI 3.1 states its own.
  const { $schema: _dialect, ...task } = taskJsonSchema();
  app.addSchema({ $id: 'Task', ...task });
  app.addSchema({
    $id: 'Enqueued',
    type: 'object',
    required: ['execution_id', 'queue', 'state'],
    properties: {
      execution_id: { type: ['integer', 'string'] },
      queue: { type: 'string', description: 'the queue it belongs to' },
      state: { type: 'string' },
    },
  });
  app.addSchema({
    $id: 'Execution',
    type: 'object',
    required: ['execution_id', 'queue', 'state'],
    properties: {
      execution_id: { type: ['integer', 'string'] },
      queue: { type: 'string', description: 'the queue it belongs to' },
      state: { enum: Object.values(ExecutionState) },
      output: {
        type: 'object',
        description: 'the task output (the TaskREST connector output keys), once finished',
        additionalProperties: true,
      },
      callback_execution_id: {
        type: ['integer', 'string'],
        description:
          "the execution, in the same queue, that delivers this one's callback (enqueued with `callback`)",
      },
    },
    additionalProperties: true,
  });
}

/** The queue's settings (from their zod schema) and the queue shown. */
function addQueueSchemas(app: FastifyInstance): void {
  const { $schema: _dialect, ...settings } = queueSettingsJsonSchema();
  app.addSchema({ $id: 'QueueSettings', ...settings });
  app.addSchema({
    $id: 'Queue',
    type: 'object',
    required: ['name', 'rate_limit', 'max_concurrency', 'paused', 'counts', 'oldest_waiting_at'],
    properties: {
      name: { type: 'string' },
      rate_limit: {
        type: ['object', 'null'],
        properties: { max: { type: 'integer' }, per_seconds: { type: 'number' } },
      },
      max_concurrency: { type: ['integer', 'null'] },
      paused: { type: 'boolean' },
      counts: {
        type: 'object',
        description: 'executions by BullMQ state',
        additionalProperties: { type: 'integer' },
      },
      oldest_waiting_at: {
        type: ['string', 'null'],
        description:
          'the earliest the execution that has waited longest (paused or not) can have entered the wait list (ISO); null when none waits',
      },
    },
  });
}

/** The schedule's settings (from its zod schema, the task a reference to Task) and the schedule shown. */
function addScheduleSchemas(app: FastifyInstance): void {
  const { $schema: _dialect, ...settings } = scheduleSettingsJsonSchema() as {
    $schema?: string;
    properties: Record<string, unknown>;
  };
  app.addSchema({
    $id: 'ScheduleSettings',
    ...settings,
    description: 'exactly one of cron and every_seconds',
    properties: { ...settings.properties, task: ref('Task') },
  });
  const nullable = (type: string, description: string) => ({ type: [type, 'null'], description });
  app.addSchema({
    $id: 'Schedule',
    type: 'object',
    required: ['id', 'queue', 'cron', 'tz', 'every_seconds', 'next_run_at', 'task'],
    properties: {
      id: { type: 'string' },
      queue: { type: 'string', description: 'the queue its executions run on' },
      cron: nullable('string', 'the cron expression'),
      tz: nullable('string', 'the time zone of cron'),
      every_seconds: nullable('number', 'the interval'),
      start_at: nullable('string', 'no run before (ISO)'),
      end_at: nullable('string', 'no run after (ISO)'),
      limit: nullable('integer', 'at most this many runs'),
      next_run_at: nullable('string', 'when the next execution is due (ISO); null: none will'),
      task: { type: 'object', description: 'the task, its secrets redacted' },
      executions: {
        type: 'array',
        description: 'one schedule: its last executions, newest first',
        items: {
          type: 'object',
          properties: {
            execution_id: { type: 'string' },
            state: { type: 'string' },
            run_at: { type: 'string', description: 'when it was due' },
            finished_at: nullable('string', 'when it ended'),
          },
        },
      },
    },
  });
}

/** The body of every error answer (see error-answers.ts). */
function addErrorSchema(app: FastifyInstance): void {
  app.addSchema({
    $id: 'Error',
    type: 'object',
    required: ['error'],
    properties: {
      error: { type: 'string', description: 'a stable word to match on' },
      message: { type: 'string', description: 'a sentence for people' },
      execution_id: {
        type: 'string',
        description: 'outcome unknown: the Idempotency-Key the write used, safe to retry with',
      },
      issues: {
        type: 'array',
        description: 'invalid task: one entry per bad field',
        items: {
          type: 'object',
          properties: { path: { type: 'string' }, message: { type: 'string' } },
        },
      },
    },
    additionalProperties: true,
  });
}

/** A reference to a shared schema. */
export const ref = (
  name:
    | 'Task'
    | 'Enqueued'
    | 'Execution'
    | 'Error'
    | 'Queue'
    | 'QueueSettings'
    | 'Schedule'
    | 'ScheduleSettings'
    | 'Destination'
    | 'DestinationSettings'
    | 'FlowKey'
    | 'FlowKeySettings',
) => ({ $ref: `${name}#` });

/** A JSON response of the given schema. */
export const jsonResponse = (description: string, schema: unknown) => ({
  description,
  content: { 'application/json': { schema } },
});

/** An error response (the API's `{"error", "message"}` body). */
export const errorResponse = (description: string) => jsonResponse(description, ref('Error'));

/** The answers every `/api/*` route may give besides its own. */
/** The answer of a route that may create a queue, past TASKREST_MAX_QUEUES. */
export const tooManyQueues = {
  409: errorResponse('too many queues: a new queue past TASKREST_MAX_QUEUES; nothing stored'),
};

export const commonErrors = {
  401: errorResponse('missing or wrong bearer token'),
  403: errorResponse("the token's scope does not allow this route (API_TOKENS)"),
  503: errorResponse('Redis does not answer; nothing was stored'),
};
