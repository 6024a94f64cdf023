import { useState } from 'preact/hooks';
import type { ExecutionPage } from '../../shared/history/execution-history.js';
import type { ExecutionSummary } from '../../shared/history/execution-record.js';
import { callApi, queryOf } from './api-client.js';
import { BulkReplayPanel } from './bulk-replay-panel.js';
import { ColumnHeads } from './column-heads.js';
import { ExecutionFilters, filtersOf, type Filters } from './execution-filters.js';
import { ReadError } from './read-error.js';
import { hrefOf } from './route.js';
import { usePolling } from './use-polling.js';

function pagePath(filters: Filters, cursor?: string): string {
  return `/api/executions${queryOf({ ...filters, cursor })}`;
}

/** The older pages loaded with "Load more", for the filters they were loaded under. */
interface MorePages {
  readonly key: string;
  readonly rows: ExecutionSummary[];
  readonly cursor: string | null;
}

/**
 * The executions that ended, newest first, filtered by the URL's query. The
 * first page is read again every 5 s; "Load more" appends older pages. With
 * `state=failed`, "Replay failed…" replays what the filters select.
 */
export function ExecutionsView({ query }: { query: URLSearchParams }) {
  const filters = filtersOf(query);
  const key = JSON.stringify(filters);
  const first = usePolling(() => callApi<ExecutionPage>(pagePath(filters)), key);
  const [more, setMore] = useState<MorePages | null>(null);
  const older = more?.key === key ? more : null;
  const cursor = older ? older.cursor : (first.data?.next_cursor ?? null);

  async function loadMore(): Promise<void> {
    if (cursor === null) return;
    const page = await callApi<ExecutionPage>(pagePath(filters, cursor));
    setMore({ key, rows: [...(older?.rows ?? []), ...page.executions], cursor: page.next_cursor });
  }

  const rows = dedupe([...(first.data?.executions ?? []), ...(older?.rows ?? [])]);
  return (
    <>
      <h1>Executions</h1>
      <ExecutionFilters filters={filters} />
      {/* Keyed by the filters: other filters select other executions, so a count starts over. */}
      {filters.state === 'failed' && <BulkReplayPanel key={key} filters={filters} />}
      <ReadError error={first.error} />
      <ExecutionsTable rows={rows} />
      {first.data && rows.length === 0 && <p>No executions match.</p>}
      {cursor !== null && (
        <button type="button" onClick={() => void loadMore()}>
          Load more
        </button>
      )}
    </>
  );
}

function dedupe(rows: ExecutionSummary[]): ExecutionSummary[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const id = `${r.queue}\u0000${r.execution_id}\u0000${r.run}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function ExecutionsTable({ rows }: { rows: ExecutionSummary[] }) {
  return (
    <table aria-label="Executions">
      <ColumnHeads
        names={[
          'execution',
          'queue',
          'state',
          'status code',
          'request',
          'message',
          'finished',
          'ms',
        ]}
      />
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.queue}/${r.execution_id}/${r.run}`}>
            <th scope="row">
              <a href={hrefOf(['executions', r.queue, String(r.execution_id)])}>
                {r.execution_id}
                {r.run > 1 ? ` (run ${r.run})` : ''}
              </a>
            </th>
            <td>{r.queue}</td>
            <td class={`state state-${r.state}`}>{r.state}</td>
            <td>{r.status_code ?? '–'}</td>
            <td class="url">{r.method ? `${r.method} ${r.url ?? ''}` : '–'}</td>
            <td>{r.message}</td>
            <td>
              <time dateTime={r.finished_at}>{r.finished_at}</time>
            </td>
            <td>{r.duration_ms ?? '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
