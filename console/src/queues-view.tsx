import { useState } from 'preact/hooks';
import type { QueueInfo } from '../../shared/queue-settings.js';
import { OutcomeLines, useOutcome, type Outcome } from './action-outcome.js';
import { callApi } from './api-client.js';
import { ColumnHeads } from './column-heads.js';
import { ConfirmButton } from './confirm-button.js';
import { ageOf } from './durations.js';
import { LimitsForm, type Limits } from './limits-form.js';
import { rateLimitOf, waitingOf } from './queue-facts.js';
import { ReadError } from './read-error.js';
import { hrefOf } from './route.js';
import { usePolling } from './use-polling.js';

/** The path of one queue in the API. */
const queuePath = (name: string): string => `/api/queues/${encodeURIComponent(name)}`;

/**
 * Every queue with its counts, how long its oldest execution has waited,
 * its limits and whether it is paused; read again every 5 s. Its actions:
 * set the limits, pause or resume, remove (an empty one).
 */
export function QueuesView() {
  const [reload, setReload] = useState(0);
  const queues = usePolling(() => callApi<QueueInfo[]>('/api/queues'), `queues/${reload}`);
  const [editing, setEditing] = useState<string | null>(null);
  const outcome = useOutcome();
  const act = async (what: string, done: string, action: () => Promise<unknown>) => {
    const succeeded = await outcome.run(what, done, action);
    setReload((n) => n + 1);
    return succeeded;
  };
  const edited = queues.data?.find((q) => q.name === editing);
  return (
    <>
      <h1>Queues</h1>
      <ReadError error={queues.error} />
      <table aria-label="Queues">
        <ColumnHeads
          names={[
            'queue',
            'waiting',
            'delayed',
            'active',
            'completed',
            'failed',
            'oldest waiting',
          ].concat(['rate limit', 'max concurrency', 'paused', 'actions'])}
        />
        <tbody>
          {(queues.data ?? []).map((q) => (
            <QueueRow key={q.name} queue={q} act={act} onEdit={() => setEditing(q.name)} />
          ))}
        </tbody>
      </table>
      <OutcomeLines outcome={outcome} />
      {edited && (
        <LimitsForm
          key={edited.name}
          subject={edited.name}
          counted="executions"
          current={edited}
          onClose={() => setEditing(null)}
          onSave={(limits: Limits) =>
            act(`Limits of ${edited.name}`, `Limits of ${edited.name} saved`, () =>
              callApi(queuePath(edited.name), { method: 'PUT', body: limits }),
            )
          }
        />
      )}
    </>
  );
}

interface RowProps {
  readonly queue: QueueInfo;
  readonly act: (...args: Parameters<Outcome['run']>) => Promise<boolean>;
  readonly onEdit: () => void;
}

function QueueRow({ queue: q, act, onEdit }: RowProps) {
  const setPaused = (paused: boolean) => {
    const verb = paused ? 'Pause' : 'Resume';
    void act(`${verb} ${q.name}`, `${q.name} ${paused ? 'paused' : 'resumed'}`, () =>
      callApi(queuePath(q.name), { method: 'PUT', body: { paused } }),
    );
  };
  return (
    <tr>
      <th scope="row">
        <a href={hrefOf(['executions'], { queue: q.name })}>{q.name}</a>
      </th>
      <td>{waitingOf(q)}</td>
      <td>{q.counts.delayed ?? 0}</td>
      <td>{q.counts.active ?? 0}</td>
      <td>{q.counts.completed ?? 0}</td>
      <td>{q.counts.failed ?? 0}</td>
      <td>
        {q.oldest_waiting_at ? (
          <time dateTime={q.oldest_waiting_at}>{ageOf(q.oldest_waiting_at)}</time>
        ) : (
          '–'
        )}
      </td>
      <td>{rateLimitOf(q)}</td>
      <td>{q.max_concurrency ?? 'none'}</td>
      <td>{q.paused ? 'paused' : 'running'}</td>
      <td class="row-actions">
        <button type="button" aria-label={`Set limits of ${q.name}`} onClick={onEdit}>
          Set limits
        </button>
        <button
          type="button"
          aria-label={`${q.paused ? 'Resume' : 'Pause'} ${q.name}`}
          onClick={() => setPaused(!q.paused)}
        >
          {q.paused ? 'Resume' : 'Pause'}
        </button>
        <ConfirmButton
          label="Remove"
          subject={q.name}
          onConfirm={() =>
            void act(`Remove ${q.name}`, `${q.name} removed`, () =>
              callApi(queuePath(q.name), { method: 'DELETE' }),
            )
          }
        />
      </td>
    </tr>
  );
}
