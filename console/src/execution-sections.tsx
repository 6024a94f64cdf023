import type { TaskOutput } from '../../shared/output.js';
import { hrefOf } from './route.js';

/**
 * The most characters of an output's text the view shows: the history keeps
 * no more of a run's text (its record limit), so a view of a queued
 * execution shows as much as one read back from the history.
 */
const TEXT_SHOWN = 4096;

/** The body as JSON: the output's `json`, else its text when that parses (a record keeps only text). */
function jsonOf(output: TaskOutput): unknown {
  if (output.json !== undefined) return output.json;
  if (output.text === null || !/^\s*[[{]/.test(output.text)) return undefined;
  try {
    return JSON.parse(output.text) as unknown;
  } catch {
    return undefined;
  }
}

/** The text, cut at TEXT_SHOWN characters with a note of how much more there was. */
function shownText(text: string): string {
  if (text.length <= TEXT_SHOWN) return text;
  return `${text.slice(0, TEXT_SHOWN)}\n… (${text.length - TEXT_SHOWN} more characters)`;
}

/** A name → value table (headers, cookies), as the API gave it: its credentials already redacted. */
function NamesTable({ label, values }: { label: string; values: Record<string, string> }) {
  return (
    <table aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(values).map(([name, value]) => (
          <tr key={name}>
            <td>{name}</td>
            <td class="url">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The final response: its headers, its body (JSON pretty-printed, else the text), its cookies. */
export function ResponseSection(props: { output: TaskOutput | undefined; ended: boolean }) {
  const { output, ended } = props;
  const json = output ? jsonOf(output) : undefined;
  const cookies = output?.cookies ?? {};
  return (
    <section aria-labelledby="response-heading">
      <h2 id="response-heading">Response</h2>
      {!output || output.status_code === null ? (
        <p>{ended ? 'No response came.' : 'No response yet.'}</p>
      ) : (
        <>
          <NamesTable label="Response headers" values={output.headers} />
          <h3 id="body-heading">Body</h3>
          {json !== undefined ? (
            <pre aria-labelledby="body-heading" class="log">
              {JSON.stringify(json, null, 2)}
            </pre>
          ) : output.text ? (
            <pre aria-labelledby="body-heading" class="log">
              {shownText(output.text)}
            </pre>
          ) : (
            <p>Empty body.</p>
          )}
          {Object.keys(cookies).length > 0 && (
            <NamesTable label="Response cookies" values={cookies} />
          )}
        </>
      )}
    </section>
  );
}

/** The task as enqueued, as the API gives it (every secret redacted); absent once Redis no longer holds it. */
export function TaskSection({ task }: { task: Record<string, unknown> | undefined }) {
  return (
    <section aria-labelledby="task-heading">
      <h2 id="task-heading">Task</h2>
      {task ? (
        <pre aria-labelledby="task-heading" class="log">
          {JSON.stringify(task, null, 2)}
        </pre>
      ) : (
        <p>The queue no longer holds the task (the history keeps its request, above).</p>
      )}
    </section>
  );
}

/** The execution that delivers this one's callback: it runs in the same queue. */
export function CallbackFact({ queue, id }: { queue: string; id: number | string | undefined }) {
  if (id === undefined) return null;
  return (
    <>
      <dt>Callback</dt>
      <dd>
        <a href={hrefOf(['executions', queue, String(id)])}>{String(id)}</a>
      </dd>
    </>
  );
}
