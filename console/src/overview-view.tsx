import type { ExecutionStats } from '../../shared/history/execution-history.js';
import type { QueueInfo } from '../../shared/queue-settings.js';
import { callApi } from './api-client.js';
import { hrefOf } from './route.js';
import { StatsChart } from './stats-chart.js';
import { usePolling } from './use-polling.js';

const CHART_LABEL = 'Completed and failed executions per minute, last hour';

/** Each queue's counts, and the last hour's completed and failed executions. */
export function OverviewView() {
  const queues = usePolling(() => callApi<QueueInfo[]>('/api/queues'), 'queues');
  const stats = usePolling(
    () => callApi<ExecutionStats>('/api/executions/stats?since=1h&bucket_seconds=60'),
    'stats',
  );
  return (
    <>
      <h1>Overview</h1>
      <section aria-labelledby="queues-heading">
        <h2 id="queues-heading">Queues</h2>
        {queues.error && <p role="alert">{queues.error}</p>}
        <table aria-label="Queues">
          <thead>
            <tr>
              <th scope="col">queue</th>
              <th scope="col">waiting</th>
              <th scope="col">active</th>
              <th scope="col">failed</th>
              <th scope="col">paused</th>
            </tr>
          </thead>
          <tbody>
            {(queues.data ?? []).map((q) => (
              <tr key={q.name}>
                <th scope="row">
                  <a href={hrefOf(['executions'], { queue: q.name })}>{q.name}</a>
                </th>
                <td>{q.counts.waiting ?? 0}</td>
                <td>{q.counts.active ?? 0}</td>
                <td>{q.counts.failed ?? 0}</td>
                <td>{q.paused ? 'paused' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="stats-heading">
        <h2 id="stats-heading">Last hour</h2>
        {stats.error && <p role="alert">{stats.error}</p>}
        {stats.data && (
          <StatsChart buckets={stats.data.buckets} label={CHART_LABEL} rangeSeconds={3600} />
        )}
      </section>
    </>
  );
}
