import { z } from 'zod';
import { executionFilterSchema, statsFilterSchema } from '../shared/history/execution-filter.js';
import { RecordState } from '../shared/history/execution-record.js';

/**
 * The OpenAPI schemas of the executions routes: the query parameters from
 * the one zod schema of the filter (shared/history/execution-filter.ts),
 * and the shapes answered (ExecutionRecord, ExecutionStats). They document;
 * the routes check with `parseExecutionFilter`/`parseStatsFilter`.
 */

/** A filter schema's properties as query parameters (times as text: the query has nothing else). */
function queryOf(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, { anyOf?: unknown; description?: string }>;
  };
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(
      Object.entries(json.properties ?? {}).map(([name, property]) => [
        name,
        property.anyOf ? { type: 'string', description: property.description } : property,
      ]),
    ),
  };
}

export const listQuerySchema = queryOf(executionFilterSchema);
export const statsQuerySchema = queryOf(statsFilterSchema);

const nullable = (type: string, description?: string) => ({
  type: [type, 'null'],
  ...(description ? { description } : {}),
});

/** One run of an execution as the list shows it (the record without its output). */
export const summarySchema = {
  type: 'object',
  required: ['queue', 'execution_id', 'run', 'state', 'finished_at'],
  properties: {
    queue: { type: 'string' },
    execution_id: { type: ['integer', 'string'] },
    run: { type: 'integer', description: '1 for the first run; each replay adds one' },
    state: { enum: Object.values(RecordState) },
    method: nullable('string'),
    url: nullable('string', 'the first request URL, credentials redacted'),
    origin: nullable('string', 'scheme://host:port'),
    status_code: nullable('integer'),
    message: { type: 'string' },
    attempts: { type: 'integer', description: 'HTTP requests sent, retries included' },
    enqueued_at: { type: 'string', format: 'date-time' },
    started_at: nullable('string'),
    finished_at: { type: 'string', format: 'date-time' },
    duration_ms: nullable('integer'),
    flow_key: { type: 'string' },
    schedule: { type: 'string' },
    callback_execution_id: { type: ['integer', 'string'] },
    trace_id: { type: 'string' },
  },
  additionalProperties: true,
};

/** A run with its output (redacted, its text capped). */
export const recordSchema = {
  ...summarySchema,
  properties: {
    ...summarySchema.properties,
    output: { type: 'object', additionalProperties: true, description: 'the task output' },
  },
};

const count = { type: 'integer' };
const ms = nullable('integer');

export const pageSchema = {
  type: 'object',
  required: ['executions', 'next_cursor', 'source'],
  properties: {
    executions: { type: 'array', items: summarySchema },
    next_cursor: nullable('string', 'give it as cursor for the next (older) page'),
    source: {
      enum: ['history', 'redis'],
      description: 'history: the history store; redis: what Redis still holds (no history)',
    },
  },
};

export const statsSchema = {
  type: 'object',
  required: ['buckets', 'origins'],
  properties: {
    buckets: {
      type: 'array',
      description: 'buckets with executions, oldest first (failed counts cancelled too)',
      items: {
        type: 'object',
        properties: {
          at: { type: 'string', format: 'date-time' },
          completed: count,
          failed: count,
          p50_ms: ms,
          p95_ms: ms,
          p99_ms: ms,
        },
      },
    },
    origins: {
      type: 'array',
      description: 'destinations over the whole range, busiest first',
      items: {
        type: 'object',
        properties: { origin: { type: 'string' }, completed: count, failed: count, p95_ms: ms },
      },
    },
  },
};
