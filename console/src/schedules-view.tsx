import { useState } from 'preact/hooks';
import type { Schedule, ScheduleExecution } from '../../shared/schedule-settings.js';
import { OutcomeLines, useOutcome } from './action-outcome.js';
import { ApiError, callApi } from './api-client.js';
import { ColumnHeads } from './column-heads.js';
import { ConfirmButton } from './confirm-button.js';
import { everyOf } from './durations.js';
import { ReadError } from './read-error.js';
import { hrefOf } from './route.js';
import { usePolling } from './use-polling.js';

/** How many of a schedule's last executions a row shows. */
const RUNS_SHOWN = 5;

const schedulePath = (id: string): string => `/api/schedules/${encodeURIComponent(id)}`;

/**
 * Every schedule, each read again on its own for its last executions (the
 * list has none). One removed meanwhile (404) is left out.
 */
async function loadSchedules(): Promise<Schedule[]> {
  const listed = await callApi<Schedule[]>('/api/schedules');
  const full = await Promise.all(
    listed.map((s) =>
      callApi<Schedule>(schedulePath(s.id)).catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
    ),
  );
  return full.filter((s): s is Schedule => s !== null);
}

/** Every schedule: when it runs, when it runs next, how its last runs went; Remove. */
export function SchedulesView() {
  const [reload, setReload] = useState(0);
  const schedules = usePolling(loadSchedules, `schedules/${reload}`);
  const outcome = useOutcome();
  const remove = (id: string): void => {
    void outcome
      .run(`Remove ${id}`, `${id} removed`, () => callApi(schedulePath(id), { method: 'DELETE' }))
      .then(() => setReload((n) => n + 1));
  };
  return (
    <>
      <h1>Schedules</h1>
      <ReadError error={schedules.error} />
      <table aria-label="Schedules">
        <ColumnHeads
          names={['id', 'queue', 'cron or every', 'tz', 'next run', 'last runs', 'actions']}
        />
        <tbody>
          {(schedules.data ?? []).map((s) => (
            <tr key={s.id}>
              <th scope="row">{s.id}</th>
              <td>{s.queue}</td>
              <td>{s.cron !== null ? <code>{s.cron}</code> : everyOf(s.every_seconds ?? 0)}</td>
              <td>{s.tz ?? '–'}</td>
              <td>
                {s.next_run_at ? <time dateTime={s.next_run_at}>{s.next_run_at}</time> : 'none'}
              </td>
              <td>
                <LastRuns queue={s.queue} runs={s.executions ?? []} />
              </td>
              <td>
                <ConfirmButton label="Remove" subject={s.id} onConfirm={() => remove(s.id)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {schedules.data?.length === 0 && <p>No schedule.</p>}
      <OutcomeLines outcome={outcome} />
    </>
  );
}

function LastRuns({ queue, runs }: { queue: string; runs: ScheduleExecution[] }) {
  if (runs.length === 0) return <span class="muted">none yet</span>;
  return (
    <ul class="runs">
      {runs.slice(0, RUNS_SHOWN).map((run) => (
        <li key={run.execution_id}>
          <a href={hrefOf(['executions', queue, run.execution_id])} class={`state-${run.state}`}>
            {run.state}
          </a>{' '}
          <time dateTime={run.run_at}>{run.run_at}</time>
        </li>
      ))}
    </ul>
  );
}
