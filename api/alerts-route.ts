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
      required: ['configured', 'alerts'],
      properties: {
        configured: {
          type: 'boolean',
          description: 'whether this API process watches and sends alerts (TASKREST_ALERT_URL set)',
        },
        alerts: { type: 'array', items: alertSchema },
      },
    }),
    ...commonErrors,
  },
};

/**
 * `GET /api/alerts`: the alerts open now, as every API replica sees them
 * (they live in Redis). `configured` says whether this process watches: an
 * empty list means "all is well" only then. Without TASKREST_ALERT_URL the
 * list is empty, since an alert left in Redis by an earlier configuration
 * would never end.
 */
export function alertsRoute(store: AlertStore, configured: boolean) {
  return (app: FastifyInstance, _options: unknown, done: () => void): void => {
    app.get('/api/alerts', { schema: listSchema }, async () => {
      if (!configured) return { configured, alerts: [] };
      const alerts = [...(await store.openAlerts()).values()];
      alerts.sort((a, b) => a.started_at.localeCompare(b.started_at) || a.id.localeCompare(b.id));
      return { configured, alerts };
    });
    done();
  };
}
