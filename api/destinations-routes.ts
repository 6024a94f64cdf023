import type { FastifyInstance } from 'fastify';
import type { TaskProducer } from '../producer/task-producer.js';
import type { DestinationSettings } from '../shared/destinations/destination-settings.js';
import { commonErrors, errorResponse, jsonResponse, ref } from './openapi-schemas.js';

const TAGS = ['destinations'];

const originParams = {
  type: 'object',
  required: ['origin'],
  properties: {
    origin: {
      type: 'string',
      description:
        'the origin, URL-encoded (`https%3A%2F%2Fapi.example.com`); named with its port (`https://api.example.com:443`)',
    },
  },
};

const answer = (description: string) => ({
  200: jsonResponse(description, ref('Destination')),
  400: errorResponse('not an origin, or a bad setting: each field named; nothing stored'),
  ...commonErrors,
});

const listSchema = {
  tags: TAGS,
  summary: 'Destinations seen in the last 24 hours and those with settings, with their live state',
  response: {
    200: jsonResponse('the destinations', { type: 'array', items: ref('Destination') }),
    ...commonErrors,
  },
};

const getSchema = {
  tags: TAGS,
  summary: 'One destination',
  params: originParams,
  response: { ...answer('the destination'), 404: errorResponse('never seen and nothing set') },
};

const putSchema = {
  tags: TAGS,
  summary: "Change a destination's limits or paused state, or close its circuit",
  params: originParams,
  body: ref('DestinationSettings'),
  response: answer('the destination as it is now'),
};

const deleteSchema = {
  tags: TAGS,
  summary: 'Back to the defaults: no limits, circuit closed, no failures, holds or learned rate',
  params: originParams,
  response: answer('the destination as it is now'),
};

type OriginRequest = { Params: { origin: string } };

/**
 * The destinations resource: `GET /api/destinations`, `GET/PUT/DELETE
 * /api/destinations/:origin`. The library does the work and the checks
 * (400 naming the field, nothing stored); a change wakes the executions it
 * lets go.
 */
export function destinationsRoutes(producer: TaskProducer) {
  return (app: FastifyInstance, _options: unknown, done: () => void): void => {
    app.get('/api/destinations', { schema: listSchema }, async () => producer.destinations.list());
    app.get<OriginRequest>('/api/destinations/:origin', { schema: getSchema }, async (request) =>
      producer.destinations.get(request.params.origin),
    );
    app.put<OriginRequest & { Body: unknown }>(
      '/api/destinations/:origin',
      { schema: putSchema },
      async (request) =>
        // No body changes nothing; a JSON null is refused by the library's check.
        producer.destinations.set(
          request.params.origin,
          request.body as DestinationSettings | undefined,
        ),
    );
    app.delete<OriginRequest>(
      '/api/destinations/:origin',
      { schema: deleteSchema },
      async (request) => producer.destinations.reset(request.params.origin),
    );
    done();
  };
}
