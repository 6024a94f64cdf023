import type { FastifyInstance } from 'fastify';
import type { AlertStore } from './alert-store.js';
import { commonErrors, jsonResponse } from './openapi-schemas.js';

const alertSchema = {
  type: 'object',
  required: ['id', 'kind', 'subject', 'started_at', 'details'],
  properties: {
    id: { type: 'string', description: 'the alert, as its POSTs name it' },
    kind: { type: 'string', enum: ['circuit_open', 'failure_rate', 'oldest_waiting'] },
    subject: { type: 'string', description: "the destination's origin, or the queue" },
    started_at: { type: 'string', format: 'date-time' },
    details: {
      type: 'object',
      additionalProperties: true,
      description: 'what was seen when it started',
    },
  },
};

const listSchema = {
  tags: ['alerts'],
  summary: 'The open alerts (TASKREST_ALERT_URL set): circuits open, failure rates, old waits',
  response: {
    200: jsonResponse('the open alerts, oldest first', {
      type: 'object',
      required: ['alerts'],
      properties: { alerts: { type: 'array', items: alertSchema } },
    }),
    ...commonErrors,
  },
};

/** `GET /api/alerts`: the alerts open now, as every API replica sees them (they live in Redis). */
export function alertsRoute(store: AlertStore) {
  return (app: FastifyInstance, _options: unknown, done: () => void): void => {
    app.get('/api/alerts', { schema: listSchema }, async () => {
      const alerts = [...(await store.openAlerts()).values()];
      alerts.sort((a, b) => a.started_at.localeCompare(b.started_at) || a.id.localeCompare(b.id));
      return { alerts };
    });
    done();
  };
}
