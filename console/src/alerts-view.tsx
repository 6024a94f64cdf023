import { Fragment } from 'preact';
import { readAlerts, type OpenAlert } from './alerts-api.js';
import { ColumnHeads } from './column-heads.js';
import { TimeText } from './gate-cells.js';
import { ReadError } from './read-error.js';
import { hrefOf } from './route.js';
import { usePolling } from './use-polling.js';
import './gate-views.css';

const KINDS: Record<OpenAlert['kind'], string> = {
  circuit_open: 'circuit open',
  failure_rate: 'failure rate',
  oldest_waiting: 'oldest waiting',
};

/**
 * The open alerts (`GET /api/alerts`, read every 5 s), oldest first; or that
 * the API watches none (no TASKREST_ALERT_URL), since an empty list means
 * all is well only when it does.
 */
export function AlertsView() {
  const list = usePolling(readAlerts, 'alerts');
  return (
    <>
      <h1>Alerts</h1>
      <ReadError error={list.error} />
      {list.data && !list.data.configured && (
        <p>
          Alerts are not configured: set <code>TASKREST_ALERT_URL</code> on the API to watch open
          circuits, failure rates and executions waiting too long.
        </p>
      )}
      {list.data?.configured && (
        <>
          <AlertsTable alerts={list.data.alerts} />
          {list.data.alerts.length === 0 && <p>No open alerts.</p>}
        </>
      )}
    </>
  );
}

function AlertsTable({ alerts }: { alerts: readonly OpenAlert[] }) {
  return (
    <table aria-label="Alerts">
      <ColumnHeads names={['kind', 'subject', 'since', 'details']} />
      <tbody>
        {alerts.map((a) => (
          <tr key={a.id}>
            <th scope="row" class="error">
              {KINDS[a.kind] ?? a.kind}
            </th>
            <td class="url">
              <a href={subjectHref(a)}>{a.subject}</a>
            </td>
            <td>
              <TimeText at={a.started_at} />
            </td>
            <td>
              <Details details={a.details} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Where an alert's subject is looked at: the destinations, or the queue's executions. */
function subjectHref(alert: OpenAlert): string {
  if (alert.kind === 'circuit_open') return hrefOf(['destinations']);
  return hrefOf(['executions'], { queue: alert.subject });
}

function Details({ details }: { details: Record<string, unknown> }) {
  return (
    <dl class="facts details">
      {Object.entries(details).map(([name, value]) => (
        <Fragment key={name}>
          <dt>{name.replace(/_/g, ' ')}</dt>
          <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
        </Fragment>
      ))}
    </dl>
  );
}
