import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InvalidOptionsError } from '../shared/errors/invalid-options-error.js';
import type { TaskProducer } from '../producer/task-producer.js';
import { commonErrors, errorResponse, jsonResponse } from './openapi-schemas.js';

/** The body of `POST /api/queues/:queue/retry`: which executions run again. */
const replayBodySchema = z
  .object({
    state: z.literal('failed', { error: 'expected "failed" (only failed executions run again)' }),
    since: z.iso
      .datetime({ offset: true, error: 'expected an ISO 8601 time, e.g. 2030-01-31T08:00:00Z' })
      .optional()
      .describe('only executions that failed at or after this time'),
  })
  .strict();

const schema = {
  tags: ['queues'],
  summary: 'Run every failed execution of the queue (since a time) again',
  description:
    'Each runs again under its own id, from the start, as `POST …/tasks/:id/retry` does. `count`: how many. ' +
    'Bulk replays that race run each failure once: their counts add up to the executions that ran again.',
  params: {
    type: 'object',
    required: ['queue'],
    properties: { queue: { type: 'string', description: 'the queue name' } },
  },
  body: bodyJsonSchema(),
  response: {
    200: jsonResponse('enqueued again', {
      type: 'object',
      required: ['count'],
      properties: { count: { type: 'integer' } },
    }),
    400: errorResponse('a bad body: `issues` names the field'),
    ...commonErrors,
  },
};

function bodyJsonSchema(): Record<string, unknown> {
  const { $schema: _dialect, ...body } = z.toJSONSchema(replayBodySchema, { io: 'input' });
  return body;
}

/** `POST /api/queues/:queue/retry` (body `{"state": "failed", "since"?}`): 200 `{"count"}`. */
export function replayRoute(producer: TaskProducer) {
  return (app: FastifyInstance, _options: unknown, done: () => void): void => {
    app.post<{ Params: { queue: string }; Body: unknown }>(
      '/api/queues/:queue/retry',
      { schema },
      async (request) => {
        const parsed = replayBodySchema.safeParse(request.body ?? {});
        if (!parsed.success) {
          throw new InvalidOptionsError(
            parsed.error.issues.map((i) => ({
              path: i.code === 'unrecognized_keys' ? i.keys.join(', ') : i.path.join('.'),
              message: i.code === 'unrecognized_keys' ? 'unknown field' : i.message,
            })),
          );
        }
        const { since } = parsed.data;
        return producer.retryFailed({
          queue: request.params.queue,
          ...(since === undefined ? {} : { since }),
        });
      },
    );
    done();
  };
}
