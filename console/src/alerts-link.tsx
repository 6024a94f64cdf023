import { readAlerts } from './alerts-api.js';
import { hrefOf } from './route.js';
import { usePolling } from './use-polling.js';

/**
 * The navigation's link to the Alerts view, with the number of open alerts
 * when there are any (`Alerts (2)`), read every 5 s on every view.
 */
export function AlertsLink({ current }: { current: boolean }) {
  const list = usePolling(readAlerts, 'alerts-count');
  const count = list.data?.alerts.length ?? 0;
  return (
    <a href={hrefOf(['alerts'])} aria-current={current ? 'page' : undefined}>
      {count > 0 ? `Alerts (${count})` : 'Alerts'}
    </a>
  );
}
