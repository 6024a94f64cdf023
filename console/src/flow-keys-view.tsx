import { useState } from 'preact/hooks';
import type { FlowKeyInfo } from '../../shared/destinations/destination-state.js';
import { OutcomeLines } from './action-outcome.js';
import { callApi } from './api-client.js';
import { ColumnHeads } from './column-heads.js';
import { GateActions } from './gate-actions.js';
import { rateText } from './gate-cells.js';
import { LimitsForm } from './limits-form.js';
import { ReadError } from './read-error.js';
import { useActions, type Actions } from './use-actions.js';
import { usePolling } from './use-polling.js';
import './gate-views.css';

/** A flow key's resource: the key URL-encoded in the path. */
function pathOf(key: string): string {
  return `/api/flow-keys/${encodeURIComponent(key)}`;
}

const NO_LIMITS = { rate_limit: null, max_concurrency: null };

/**
 * The flow keys (`GET /api/flow-keys`, read every 5 s and after each
 * action), with their actions; limits can also be set on a key not listed
 * yet (before its first task).
 */
export function FlowKeysView() {
  const [version, setVersion] = useState(0);
  const list = usePolling(() => callApi<FlowKeyInfo[]>('/api/flow-keys'), `flow-keys ${version}`);
  const actions = useActions(() => setVersion((v) => v + 1));
  const [editing, setEditing] = useState<string | null>(null);
  const current = list.data?.find((k) => k.flow_key === editing) ?? NO_LIMITS;
  return (
    <>
      <h1>Flow keys</h1>
      <p class="muted">
        The flow keys tasks ran under in the last 24 hours, and those with limits set.
      </p>
      <ReadError error={list.error} />
      <OutcomeLines outcome={actions.outcome} />
      <FlowKeysTable rows={list.data ?? []} actions={actions} onEdit={setEditing} />
      {list.data && list.data.length === 0 && <p>No flow keys yet.</p>}
      <OtherKey onEdit={setEditing} />
      {editing !== null && (
        <LimitsForm
          key={editing}
          subject={editing}
          counted="requests"
          current={current}
          onClose={() => setEditing(null)}
          onSave={(limits) =>
            actions.act(`Set limits ${editing}`, () =>
              callApi(pathOf(editing), { method: 'PUT', body: limits }),
            )
          }
        />
      )}
    </>
  );
}

/** Names a flow key that is not listed, to set its limits. */
function OtherKey({ onEdit }: { onEdit: (key: string) => void }) {
  const [key, setKey] = useState('');
  return (
    <form
      class="filters other-key"
      aria-label="Another flow key"
      onSubmit={(e) => {
        e.preventDefault();
        if (key.trim() !== '') onEdit(key.trim());
      }}
    >
      <label>
        Flow key
        <input value={key} onInput={(e) => setKey(e.currentTarget.value)} />
      </label>
      <button type="submit">Set limits of this key</button>
    </form>
  );
}

interface TableProps {
  readonly rows: readonly FlowKeyInfo[];
  readonly actions: Actions;
  readonly onEdit: (key: string) => void;
}

function FlowKeysTable({ rows, actions, onEdit }: TableProps) {
  return (
    <table aria-label="Flow keys" class="gate">
      <ColumnHeads
        names={[
          'flow key',
          'rate limit',
          'max concurrency',
          'paused',
          'in flight',
          'held',
          'actions',
        ]}
      />
      <tbody>
        {rows.map((k) => (
          <tr key={k.flow_key}>
            <th scope="row">{k.flow_key}</th>
            <td>{rateText(k.rate_limit)}</td>
            <td>{k.max_concurrency ?? '–'}</td>
            <td>{k.paused ? 'paused' : ''}</td>
            <td>{k.in_flight}</td>
            <td>{k.held}</td>
            <td>
              <GateActions
                subject={k.flow_key}
                path={pathOf(k.flow_key)}
                paused={k.paused}
                actions={actions}
                onEditLimits={() => onEdit(k.flow_key)}
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
