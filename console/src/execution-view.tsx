import { useState } from 'preact/hooks';
import type { ExecutionRecord } from '../../shared/history/execution-record.js';
import type { TaskOutput } from '../../shared/output.js';
import { ApiError, callApi } from './api-client.js';
import { ExecutionActions } from './execution-actions.js';
import { CallbackFact, ResponseSection, TaskSection } from './execution-sections.js';
import { attemptsOf, type Attempt } from './log-lines.js';
import { ReadError } from './read-error.js';
import { usePolling } from './use-polling.js';

/** What the view shows of an execution: its last run's record, or (still running) the task's state. */
interface Shown {
  readonly state: string;
  readonly record: ExecutionRecord | null;
  readonly runs: number;
  readonly output: TaskOutput | undefined;
  /** The task as enqueued (redacted by the API), while the queue holds it. */
  readonly task: Record<string, unknown> | undefined;
  readonly callback: number | string | undefined;
}

const ENDED = new Set(['completed', 'failed', 'cancelled']);

/** The runs the history (or Redis) lists, or null when none is known (404). */
async function runsOf(q: string, e: string): Promise<ExecutionRecord[] | null> {
  try {
    return (await callApi<{ runs: ExecutionRecord[] }>(`/api/executions/${e}/runs?queue=${q}`))
      .runs;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/**
 * The queue's view first (a running execution has no run listed yet, and
 * asking would be a 404); the runs once it ended, or when the queue no
 * longer holds it (the history keeps it longer).
 */
async function load(queue: string, id: string): Promise<Shown> {
  const q = encodeURIComponent(queue);
  const e = encodeURIComponent(id);
  type Task = {
    state: string;
    output?: TaskOutput;
    task?: Record<string, unknown>;
    callback_execution_id?: number | string;
  };
  const task = await callApi<Task>(`/api/queues/${q}/tasks/${e}`).catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  });
  // A callback execution is never in the history (it reports on another): no run to ask for.
  const recorded = !id.startsWith('callback!');
  const runs = recorded && (task === null || ENDED.has(task.state)) ? await runsOf(q, e) : null;
  const record = runs?.at(-1);
  const known = { task: task?.task, callback: task?.callback_execution_id };
  if (record) {
    const callback = record.callback_execution_id ?? known.callback;
    const runCount = runs?.length ?? 0;
    return {
      state: record.state,
      record,
      runs: runCount,
      output: record.output,
      ...known,
      callback,
    };
  }
  if (task) return { state: task.state, record: null, runs: 0, output: task.output, ...known };
  throw new ApiError(404, `execution ${id} is not known in ${queue}`);
}

/**
 * One execution: its outcome, its callback, its attempts in order, its
 * response, its task (redacted), its whole log, and what can be done to it.
 */
export function ExecutionView({ queue, id }: { queue: string; id: string }) {
  const [reload, setReload] = useState(0);
  const shown = usePolling(() => load(queue, id), `${queue}/${id}/${reload}`);
  const data = shown.data;
  const record = data?.record ?? null;
  const log = data?.output?.log ?? [];
  return (
    <>
      <h1>
        Execution {id} <span class="muted">in {queue}</span>
      </h1>
      <ReadError error={shown.error} />
      {data && (
        <>
          <dl class="facts">
            <dt>State</dt>
            <dd>{data.state}</dd>
            <dt>Status code</dt>
            <dd>{data.output?.status_code ?? record?.status_code ?? '–'}</dd>
            <dt>Message</dt>
            <dd>{data.output?.message ?? record?.message ?? '–'}</dd>
            {record && <Facts record={record} runs={data.runs} />}
            <CallbackFact queue={queue} id={data.callback} />
          </dl>
          <ExecutionActions
            queue={queue}
            id={id}
            state={data.state}
            request={
              record?.method && record.url ? { method: record.method, url: record.url } : null
            }
            onChanged={() => setReload((n) => n + 1)}
          />
          <section aria-labelledby="attempts-heading">
            <h2 id="attempts-heading">Attempts</h2>
            <Attempts attempts={attemptsOf(log)} />
          </section>
          <ResponseSection output={data.output} ended={ENDED.has(data.state)} />
          <TaskSection task={data.task} />
          <section aria-labelledby="log-heading">
            <h2 id="log-heading">Log</h2>
            <pre aria-labelledby="log-heading" class="log">
              {log.join('\n')}
            </pre>
          </section>
        </>
      )}
    </>
  );
}

function Facts({ record, runs }: { record: ExecutionRecord; runs: number }) {
  return (
    <>
      <dt>Run</dt>
      <dd>
        {record.run} of {runs}
      </dd>
      <dt>Request</dt>
      <dd class="url">{record.method ? `${record.method} ${record.url ?? ''}` : '–'}</dd>
      <dt>Finished</dt>
      <dd>
        <time dateTime={record.finished_at}>{record.finished_at}</time>
        {record.duration_ms === null ? '' : ` (${record.duration_ms} ms)`}
      </dd>
      {record.trace_id && (
        <>
          <dt>Trace id</dt>
          <dd>
            <code>{record.trace_id}</code>
          </dd>
        </>
      )}
    </>
  );
}

function Attempts({ attempts }: { attempts: Attempt[] }) {
  if (attempts.length === 0) return <p>No request was sent.</p>;
  return (
    <ol class="attempts" aria-label="Attempts">
      {attempts.map((a) => (
        <li key={a.number}>
          <strong>Attempt {a.number}</strong>{' '}
          <time dateTime={a.sentAt ?? undefined}>{a.sentAt}</time>
          <div class="url">{a.request}</div>
          {a.outcome ? (
            <div>
              {a.outcome.text} <time dateTime={a.outcome.at ?? undefined}>{a.outcome.at}</time>
            </div>
          ) : (
            <div class="muted">no answer yet</div>
          )}
          {a.notes.map((n, i) => (
            <div key={i} class="muted">
              {n.text} {n.at && <time dateTime={n.at}>{n.at}</time>}
            </div>
          ))}
        </li>
      ))}
    </ol>
  );
}
