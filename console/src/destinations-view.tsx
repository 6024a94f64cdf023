import { useState } from 'preact/hooks';
import type { DestinationInfo } from '../../shared/destinations/destination-state.js';
import { OutcomeLines } from './action-outcome.js';
import { callApi } from './api-client.js';
import { ColumnHeads } from './column-heads.js';
import { GateActions } from './gate-actions.js';
import { rateText, TimeText } from './gate-cells.js';
import { LimitsForm } from './limits-form.js';
import { ReadError } from './read-error.js';
import { useActions, type Actions } from './use-actions.js';
import { usePolling } from './use-polling.js';
import './gate-views.css';

/** A destination's resource: its origin URL-encoded in the path. */
function pathOf(origin: string): string {
  return `/api/destinations/${encodeURIComponent(origin)}`;
}

/**
 * The destinations (`GET /api/destinations`, read every 5 s and after each
 * action): their circuit, holds, limits and counts, with their actions.
 */
export function DestinationsView() {
  const [version, setVersion] = useState(0);
  const list = usePolling(
    () => callApi<DestinationInfo[]>('/api/destinations'),
    `destinations ${version}`,
  );
  const actions = useActions(() => setVersion((v) => v + 1));
  const [editing, setEditing] = useState<string | null>(null);
  const edited = list.data?.find((d) => d.origin === editing);
  return (
    <>
      <h1>Destinations</h1>
      <p class="muted">
        The origins requests went to in the last 24 hours, and those with limits set.
      </p>
      <ReadError error={list.error} />
      <OutcomeLines outcome={actions.outcome} />
      <DestinationsTable rows={list.data ?? []} actions={actions} onEdit={setEditing} />
      {list.data && list.data.length === 0 && <p>No destinations yet.</p>}
      {edited && (
        <LimitsForm
          key={edited.origin}
          subject={edited.origin}
          counted="requests"
          current={edited}
          onClose={() => setEditing(null)}
          onSave={(limits) =>
            actions.act(`Set limits ${edited.origin}`, () =>
              callApi(pathOf(edited.origin), { method: 'PUT', body: limits }),
            )
          }
        />
      )}
    </>
  );
}

interface TableProps {
  readonly rows: readonly DestinationInfo[];
  readonly actions: Actions;
  readonly onEdit: (origin: string) => void;
}

function DestinationsTable({ rows, actions, onEdit }: TableProps) {
  return (
    <div class="wide">
      <table aria-label="Destinations" class="gate">
        <ColumnHeads
          names={[
            'origin',
            'circuit',
            'failures',
            'hold',
            'learned rate',
            'rate limit',
            'max concurrency',
            'paused',
            'in flight',
            'held',
            'last error',
            'last success',
            'actions',
          ]}
        />
        <tbody>
          {rows.map((d) => (
            <DestinationRow key={d.origin} d={d} actions={actions} onEdit={onEdit} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DestinationRow({ d, actions, onEdit }: Omit<TableProps, 'rows'> & { d: DestinationInfo }) {
  const path = pathOf(d.origin);
  return (
    <tr>
      <th scope="row" class="origin">
        {d.origin}
      </th>
      <td class={d.circuit === 'closed' ? '' : 'error'}>
        {d.circuit}
        {d.open_until && (
          <>
            {' until '}
            <TimeText at={d.open_until} />
          </>
        )}
      </td>
      <td>{d.consecutive_failures}</td>
      <td>
        {d.held_until ? (
          <>
            {'until '}
            <TimeText at={d.held_until} />
            {d.hold_reason ? ` (${d.hold_reason})` : ''}
          </>
        ) : (
          '–'
        )}
      </td>
      <td>{d.learned_rate === undefined ? '–' : `${Math.round(d.learned_rate * 100) / 100}/s`}</td>
      <td>{rateText(d.rate_limit)}</td>
      <td>{d.max_concurrency ?? '–'}</td>
      <td>{d.paused ? 'paused' : ''}</td>
      <td>{d.in_flight}</td>
      <td>{d.held}</td>
      <td>{d.last_error ?? '–'}</td>
      <td>
        <TimeText at={d.last_success_at} />
      </td>
      <td>
        <GateActions
          subject={d.origin}
          path={path}
          paused={d.paused}
          actions={actions}
          onEditLimits={() => onEdit(d.origin)}
        >
          {d.circuit !== 'closed' && (
            <button
              type="button"
              aria-label={`Close circuit ${d.origin}`}
              onClick={() =>
                void actions.act(`Close circuit ${d.origin}`, () =>
                  callApi(path, { method: 'PUT', body: { circuit: 'closed' } }),
                )
              }
            >
              Close circuit
            </button>
          )}
        </GateActions>
      </td>
    </tr>
  );
}
