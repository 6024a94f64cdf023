import { callApi } from './api-client.js';

/** An open alert as `GET /api/alerts` shows it (the API's own type is not the console's to import). */
export interface OpenAlert {
  readonly id: string;
  readonly kind: 'circuit_open' | 'failure_rate' | 'oldest_waiting';
  /** The destination's origin, or the queue. */
  readonly subject: string;
  readonly started_at: string;
  readonly details: Record<string, unknown>;
}

/** `GET /api/alerts`: whether the API watches (TASKREST_ALERT_URL set), and what is open. */
export interface AlertList {
  readonly configured: boolean;
  readonly alerts: readonly OpenAlert[];
}

/** Reads the open alerts. */
export function readAlerts(): Promise<AlertList> {
  return callApi<AlertList>('/api/alerts');
}
