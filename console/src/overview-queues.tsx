import type { ExecutionStats, StatsBucket } from '../../shared/history/execution-history.js';
import type { QueueInfo } from '../../shared/queue-settings.js';
import { callApi } from './api-client.js';
import { ColumnHeads } from './column-heads.js';
import { ageOf, millisOf } from './durations.js';
import { waitingOf } from './queue-facts.js';
import { ReadError } from './read-error.js';
import { hrefOf } from './route.js';
import { statsPathOf, type StatsRange } from './stats-range.js';
import { usePolling } from './use-polling.js';

/** A queue now, and what it finished over the range (null when the stats could not be read). */
interface QueueLine {
  readonly queue: QueueInfo;
  readonly range: StatsBucket | null;
}

const EMPTY: StatsBucket = {
  at: '',
  completed: 0,
  failed: 0,
  p50_ms: null,
  p95_ms: null,
  p99_ms: null,
};

/**
 * Every queue, and per queue its stats over the whole range as one bucket
 * (the API cuts the range from `since`, so a bucket as wide as the range is
 * the range: its p95 is the range's).
 */
async function loadLines(range: StatsRange): Promise<QueueLine[]> {
  const queues = await callApi<QueueInfo[]>('/api/queues');
  return Promise.all(
    queues.map(async (queue) => {
      const stats = await callApi<ExecutionStats>(
        statsPathOf(range, range.seconds, queue.name),
      ).catch(() => null);
      return { queue, range: stats ? (stats.buckets[0] ?? EMPTY) : null };
    }),
  );
}

/** The Overview's queues: counts now, the oldest waiting, and what each finished over the range. */
export function OverviewQueues({ range }: { range: StatsRange }) {
  const lines = usePolling(() => loadLines(range), `queues/${range.id}`);
  const over = range.words;
  return (
    <section aria-labelledby="queues-heading">
      <h2 id="queues-heading">Queues</h2>
      <ReadError error={lines.error} />
      <table aria-label="Queues">
        <ColumnHeads
          names={['queue', 'waiting', 'active', 'failed', 'paused', 'oldest waiting'].concat([
            `completed, ${over}`,
            `failed, ${over}`,
            `p95, ${over}`,
          ])}
        />
        <tbody>
          {(lines.data ?? []).map(({ queue: q, range: r }) => (
            <tr key={q.name}>
              <th scope="row">
                <a href={hrefOf(['executions'], { queue: q.name })}>{q.name}</a>
              </th>
              <td>{waitingOf(q)}</td>
              <td>{q.counts.active ?? 0}</td>
              <td>{q.counts.failed ?? 0}</td>
              <td>{q.paused ? 'paused' : ''}</td>
              <td>{ageOf(q.oldest_waiting_at)}</td>
              <td>{r ? r.completed : '–'}</td>
              <td>{r ? r.failed : '–'}</td>
              <td>{millisOf(r?.p95_ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
