import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '../shared/errors/error-codes.js';
import { InvalidOptionsError } from '../shared/errors/invalid-options-error.js';
import { parseExecutionFilter, parseStatsFilter } from '../shared/history/execution-filter.js';
import type { ExecutionHistory } from '../shared/history/execution-history.js';
import { checkQueueName } from '../shared/queue-settings.js';
import { unknownNameIssues } from '../shared/unknown-names.js';
import { ApiError } from './api-error.js';
import {
  listQuerySchema,
  pageSchema,
  recordSchema,
  statsQuerySchema,
  statsSchema,
} from './execution-schemas.js';
import { commonErrors, errorResponse, jsonResponse } from './openapi-schemas.js';

const listSchema = {
  tags: ['executions'],
  summary: 'Executions that ended, newest first, filtered and paged by cursor',
  querystring: listQuerySchema,
  response: {
    200: jsonResponse('one page', pageSchema),
    400: errorResponse('a bad or unknown parameter, each named'),
    ...commonErrors,
  },
};

const statsSchemaOfRoute = {
  tags: ['executions'],
  summary: 'Counts and duration percentiles by time bucket and by destination',
  querystring: statsQuerySchema,
  response: {
    200: jsonResponse('the stats', statsSchema),
    400: errorResponse('a bad or unknown parameter, each named'),
    ...commonErrors,
  },
};

const runsSchema = {
  tags: ['executions'],
  summary: 'Every run of one execution (each replay is a run), with its output',
  params: {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', description: 'the execution id' } },
  },
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: { queue: { type: 'string', description: 'its queue (default: TASKREST_QUEUE)' } },
  },
  response: {
    200: jsonResponse('the runs, run 1 first', {
      type: 'object',
      required: ['runs'],
      properties: { runs: { type: 'array', items: recordSchema } },
    }),
    400: errorResponse('a bad or unknown parameter'),
    404: errorResponse('no run of that execution is known'),
    ...commonErrors,
  },
};

/**
 * The executions resource, read from `history` (the history store, or what
 * Redis still holds): `GET /api/executions` (the list, `"source"` saying
 * which), `GET /api/executions/stats` and `GET /api/executions/:id/runs`.
 * Parameters are checked by the filter's one schema: a bad or unknown one
 * is a 400 naming it.
 */
export function executionsRoutes(history: ExecutionHistory, defaultQueue: string) {
  return (app: FastifyInstance, _options: unknown, done: () => void): void => {
    app.get('/api/executions', { schema: listSchema }, async (request) =>
      history.list(parseExecutionFilter(request.query)),
    );

    app.get('/api/executions/stats', { schema: statsSchemaOfRoute }, async (request) =>
      history.stats(parseStatsFilter(request.query)),
    );

    app.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>(
      '/api/executions/:id/runs',
      { schema: runsSchema },
      async (request) => {
        const queue = queueOf(request.query, defaultQueue);
        const runs = await history.runs(queue, request.params.id);
        if (runs.length === 0) {
          throw new ApiError(ErrorCode.NOT_FOUND, `no run of execution ${request.params.id}`);
        }
        return { runs };
      },
    );
    done();
  };
}

/** The `queue` parameter of the runs route, checked; the default queue without one. */
function queueOf(query: Record<string, unknown>, defaultQueue: string): string {
  const issues = unknownNameIssues(query, ['queue']);
  const { queue } = query;
  if (queue !== undefined && typeof queue !== 'string') {
    issues.push({ path: 'queue', message: 'expected one queue name' });
  }
  if (issues.length > 0) throw new InvalidOptionsError(issues);
  return queue === undefined ? defaultQueue : checkQueueName(queue);
}
