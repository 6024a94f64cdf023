import { taskJsonSchema } from '../shared/task-schema.js';
import { MAX_BULK_TASKS } from './bulk-route.js';
import { MAX_WAIT_SECONDS } from './tasks-routes.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const error = (description: string) => ({ description, ...json(ref('Error')) });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const fileParam = {
  name: 'name',
  in: 'path',
  required: true,
  description: 'file name; may contain `/`',
  schema: { type: 'string' },
};
const common = {
  '401': error('missing or wrong bearer token'),
  '503': error('Redis does not answer; nothing was stored'),
};

/**
 * The OpenAPI 3.1 document of the HTTP API. The task schema is the one the
 * API validates with (shared/task-schema.ts), as JSON schema.
 */
export function openApiDocument(): Record<string, unknown> {
  const { $schema: _dialect, ...task } = taskJsonSchema();
  return {
    openapi: '3.1.0',
    info: {
      title: 'taskrest',
      version: '1',
      description: 'Run REST calls (TaskREST tasks) as queued BullMQ jobs.',
    },
    security: [{ bearer: [] }],
    paths: {
      '/api/tasks': {
        post: {
          summary: 'Enqueue one task',
          parameters: [
            {
              name: 'wait',
              in: 'query',
              description: `seconds (0-${MAX_WAIT_SECONDS}) to wait for the output`,
              schema: { type: 'number', minimum: 0, maximum: MAX_WAIT_SECONDS },
            },
            {
              name: 'Idempotency-Key',
              in: 'header',
              description: 'becomes the execution_id; a known key returns its execution (200)',
              schema: { type: 'string', pattern: '^[\\w.~@+=-]{1,200}$' },
            },
          ],
          requestBody: { required: true, ...json(ref('Task')) },
          responses: {
            '200': {
              description: 'finished within `wait`, or the execution of a known Idempotency-Key',
              ...json(ref('Execution')),
            },
            '202': { description: 'enqueued', ...json(ref('Enqueued')) },
            '400': error('invalid task: `issues` names every bad field'),
            '413': error('task over TASKREST_MAX_TASK_BYTES'),
            ...common,
          },
        },
      },
      '/api/tasks/bulk': {
        post: {
          summary: `Enqueue 1 to ${MAX_BULK_TASKS} tasks, all or nothing`,
          requestBody: {
            required: true,
            ...json({ type: 'array', items: ref('Task'), minItems: 1, maxItems: MAX_BULK_TASKS }),
          },
          responses: {
            '202': {
              description: 'enqueued, in order',
              ...json({ type: 'array', items: ref('Enqueued') }),
            },
            '400': error('invalid task: issue paths start with the index (`3.url`)'),
            '413': error('body too large'),
            ...common,
          },
        },
      },
      '/api/tasks/{id}': {
        parameters: [idParam],
        get: {
          summary: 'An execution: state and, once finished, output',
          responses: {
            '200': { description: 'found', ...json(ref('Execution')) },
            '404': error('unknown'),
            ...common,
          },
        },
        delete: {
          summary: 'Remove an execution that is not running',
          responses: {
            '204': { description: 'removed' },
            '404': error('unknown'),
            '409': error('the execution is active'),
            ...common,
          },
        },
      },
      '/api/files': {
        get: {
          summary: 'The files resource',
          responses: {
            '200': {
              description: 'every file',
              ...json({
                type: 'array',
                items: {
                  type: 'object',
                  properties: { name: { type: 'string' }, size: { type: 'integer' } },
                },
              }),
            },
            ...common,
          },
        },
      },
      '/api/files/{name}': {
        parameters: [fileParam],
        put: {
          summary: 'Store a file (raw body)',
          parameters: [
            {
              name: 'allow_empty',
              in: 'query',
              description: 'true to store an empty body (refused otherwise)',
              schema: { type: 'boolean' },
            },
          ],
          requestBody: {
            required: true,
            content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
          },
          responses: {
            '201': { description: 'stored' },
            '400': error('invalid file name, or an empty body without ?allow_empty=true'),
            '413': error('over TASKREST_MAX_FILE_BYTES'),
            ...common,
          },
        },
        get: {
          summary: 'A file (raw bytes)',
          responses: {
            '200': {
              description: 'the bytes',
              content: {
                'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
              },
            },
            '404': error('no such file'),
            ...common,
          },
        },
        delete: {
          summary: 'Delete a file',
          responses: { '204': { description: 'deleted' }, '404': error('no such file'), ...common },
        },
      },
      '/health': {
        get: {
          summary: 'Redis answers?',
          security: [],
          responses: { '200': { description: 'yes' }, '503': { description: 'no' } },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          security: [],
          responses: { '200': { description: 'text format 0.0.4' } },
        },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'one of API_TOKENS' },
      },
      schemas: {
        Task: task,
        Enqueued: {
          type: 'object',
          required: ['execution_id', 'state'],
          properties: { execution_id: { type: ['integer', 'string'] }, state: { type: 'string' } },
        },
        Execution: {
          type: 'object',
          required: ['execution_id', 'state'],
          properties: {
            execution_id: { type: ['integer', 'string'] },
            state: {
              enum: [
                'waiting',
                'delayed',
                'prioritized',
                'active',
                'completed',
                'failed',
                'waiting-children',
              ],
            },
            output: {
              type: 'object',
              description: 'the task output (the TaskREST connector output keys)',
            },
          },
        },
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: { type: 'string' },
            message: { type: 'string' },
            issues: {
              type: 'array',
              items: {
                type: 'object',
                properties: { path: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  };
}
