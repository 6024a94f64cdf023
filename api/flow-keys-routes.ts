import type { FastifyInstance } from 'fastify';
import type { TaskProducer } from '../producer/task-producer.js';
import type { FlowKeySettings } from '../shared/destinations/destination-settings.js';
import { commonErrors, errorResponse, jsonResponse, ref } from './openapi-schemas.js';

const TAGS = ['flow keys'];

const keyParams = {
  type: 'object',
  required: ['key'],
  properties: {
    key: {
      type: 'string',
      description: 'the flow key, URL-encoded (1 to 200 letters, digits or _ . ~ @ + = : / -)',
    },
  },
};

const answer = (description: string) => ({
  200: jsonResponse(description, ref('FlowKey')),
  400: errorResponse('a bad flow key or setting: each field named; nothing stored'),
  ...commonErrors,
});

const listSchema = {
  tags: TAGS,
  summary: 'Flow keys seen in the last 24 hours and those with settings',
  response: {
    200: jsonResponse('the flow keys', { type: 'array', items: ref('FlowKey') }),
    ...commonErrors,
  },
};

const getSchema = {
  tags: TAGS,
  summary: 'One flow key',
  params: keyParams,
  response: { ...answer('the flow key'), 404: errorResponse('never seen and nothing set') },
};

const putSchema = {
  tags: TAGS,
  summary: "Change a flow key's rate limit, concurrency limit or paused state",
  params: keyParams,
  body: ref('FlowKeySettings'),
  response: answer('the flow key as it is now'),
};

const deleteSchema = {
  tags: TAGS,
  summary: "Remove the flow key's settings",
  params: keyParams,
  response: answer('the flow key as it is now'),
};

type KeyRequest = { Params: { key: string } };

/**
 * The flow keys resource: `GET /api/flow-keys`, `GET/PUT/DELETE
 * /api/flow-keys/:key`, limits across every queue and worker. The library
 * does the work and the checks (400 naming the field, nothing stored).
 */
export function flowKeysRoutes(producer: TaskProducer) {
  return (app: FastifyInstance, _options: unknown, done: () => void): void => {
    app.get('/api/flow-keys', { schema: listSchema }, async () => producer.flowKeys.list());
    app.get<KeyRequest>('/api/flow-keys/:key', { schema: getSchema }, async (request) =>
      producer.flowKeys.get(request.params.key),
    );
    app.put<KeyRequest & { Body: unknown }>(
      '/api/flow-keys/:key',
      { schema: putSchema },
      async (request) =>
        producer.flowKeys.set(request.params.key, request.body as FlowKeySettings | undefined),
    );
    app.delete<KeyRequest>('/api/flow-keys/:key', { schema: deleteSchema }, async (request) =>
      producer.flowKeys.reset(request.params.key),
    );
    done();
  };
}
