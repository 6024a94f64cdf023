import type { FastifyInstance } from 'fastify';
import {
  destinationSettingsJsonSchema,
  flowKeySettingsJsonSchema,
} from '../shared/destinations/destination-settings.js';

const rateLimit = {
  type: ['object', 'null'],
  description: 'at most `max` requests per `per_seconds`, across every worker; null: none',
  properties: { max: { type: 'integer' }, per_seconds: { type: 'number' } },
};
const maxConcurrency = {
  type: ['integer', 'null'],
  description: 'at most this many requests in flight, across every worker; null: no limit',
};
const inFlight = { type: 'integer', description: 'requests in flight now, across every worker' };
const held = { type: 'integer', description: 'executions held by the gate in the last minute' };
const time = (description: string) => ({ type: 'string', format: 'date-time', description });

/**
 * The OpenAPI schemas of destinations and flow keys: their settings from the
 * zod schemas the library checks with (the one source), and how they are shown.
 */
export function addDestinationSchemas(app: FastifyInstance): void {
  const { $schema: _d, ...destinationSettings } = destinationSettingsJsonSchema();
  app.addSchema({ $id: 'DestinationSettings', ...destinationSettings });
  const { $schema: _f, ...flowKeySettings } = flowKeySettingsJsonSchema();
  app.addSchema({ $id: 'FlowKeySettings', ...flowKeySettings });
  app.addSchema({
    $id: 'Destination',
    type: 'object',
    required: [
      'origin',
      'circuit',
      'consecutive_failures',
      'rate_limit',
      'max_concurrency',
      'paused',
      'in_flight',
      'held',
    ],
    properties: {
      origin: { type: 'string', description: '`scheme://host:port`, the port always written' },
      circuit: { enum: ['closed', 'open', 'half_open'] },
      open_until: time('while open or half-open: when the cool-down ends and one probe goes'),
      consecutive_failures: { type: 'integer' },
      held_until: time("while the destination's own headers hold it: until when"),
      hold_reason: {
        type: 'string',
        description: 'why it is held (e.g. Retry-After after HTTP 429)',
      },
      learned_rate: {
        type: 'number',
        description: 'requests per second learned from 429s without headers',
      },
      rate_limit: rateLimit,
      max_concurrency: maxConcurrency,
      paused: { type: 'boolean' },
      in_flight: inFlight,
      held,
      last_error: { type: 'string', description: 'the last failed attempt, in short' },
      last_success_at: time('when a request to it last succeeded'),
    },
  });
  app.addSchema({
    $id: 'FlowKey',
    type: 'object',
    required: ['flow_key', 'rate_limit', 'max_concurrency', 'paused', 'in_flight', 'held'],
    properties: {
      flow_key: { type: 'string' },
      rate_limit: rateLimit,
      max_concurrency: maxConcurrency,
      paused: { type: 'boolean' },
      in_flight: inFlight,
      held,
    },
  });
}
