import type { ExecutionStats } from '../../shared/history/execution-history.js';
import { callApi } from './api-client.js';
import { OverviewDestinations } from './overview-destinations.js';
import { OverviewQueues } from './overview-queues.js';
import { ReadError } from './read-error.js';
import { hrefOf } from './route.js';
import { StatsChart } from './stats-chart.js';
import { chartLabelOf, rangeOf, STATS_RANGES, statsPathOf } from './stats-range.js';
import { usePolling } from './use-polling.js';

/**
 * Each queue now (counts, the oldest waiting) and over the range, the
 * executions that completed and failed over the range as a chart, and the
 * destinations they went to. The range lives in the URL (`#/?range=24h`).
 */
export function OverviewView({ query }: { query: URLSearchParams }) {
  const range = rangeOf(query.get('range'));
  const stats = usePolling(
    () => callApi<ExecutionStats>(statsPathOf(range, range.bucketSeconds)),
    `stats/${range.id}`,
  );
  const label = chartLabelOf(range);
  return (
    <>
      <h1>Overview</h1>
      <div class="filters">
        <label>
          Range
          <select
            value={range.id}
            onChange={(e) => {
              const id = e.currentTarget.value;
              location.hash = hrefOf([], id === STATS_RANGES[0]?.id ? {} : { range: id });
            }}
          >
            {STATS_RANGES.map((r) => (
              <option key={r.id} value={r.id}>
                {r.option}
              </option>
            ))}
          </select>
        </label>
      </div>
      <OverviewQueues range={range} />
      <section aria-labelledby="stats-heading">
        <h2 id="stats-heading">Executions, {range.words}</h2>
        <ReadError error={stats.error} />
        {stats.data && (
          <StatsChart buckets={stats.data.buckets} label={label} rangeSeconds={range.seconds} />
        )}
      </section>
      <OverviewDestinations origins={stats.data?.origins} words={range.words} />
    </>
  );
}
