/** What an alert is about. */
export type AlertKind = 'circuit_open' | 'failure_rate' | 'oldest_waiting';

/** A condition that holds now, as one evaluation found it. */
export interface AlertCondition {
  readonly kind: AlertKind;
  /** The destination's origin, or the queue's name. */
  readonly subject: string;
  /** What was seen when the condition was found (counts, times, the circuit). */
  readonly details: Record<string, unknown>;
}

/** An alert as `GET /api/alerts` and the alert POSTs show it; times ISO 8601 UTC. */
export interface Alert {
  id: string;
  kind: AlertKind;
  subject: string;
  started_at: string;
  ended_at?: string;
  details: Record<string, unknown>;
}

/** The JSON body of one alert POST. */
export interface AlertEvent {
  type: 'alert.started' | 'alert.ended';
  alert: Alert;
}

/** The key one condition is kept under: one open alert per kind and subject. */
export function conditionKey({ kind, subject }: Pick<AlertCondition, 'kind' | 'subject'>): string {
  return `${kind} ${subject}`;
}
