import { useState } from 'preact/hooks';
import { callApi } from './api-client.js';
import { curlCommand } from './curl-command.js';

const FINISHED = new Set(['completed', 'failed', 'cancelled']);

interface ActionsProps {
  readonly queue: string;
  readonly id: string;
  readonly state: string;
  /** The first request's method and (redacted) URL, when the record has them. */
  readonly request: { method: string; url: string } | null;
  readonly onChanged: () => void;
}

/** Cancel, Replay and Copy as curl, with what the last one answered. */
export function ExecutionActions({ queue, id, state, request, onChanged }: ActionsProps) {
  const [said, setSaid] = useState('');
  const path = `/api/queues/${encodeURIComponent(queue)}/tasks/${encodeURIComponent(id)}`;
  const curl = request ? curlCommand(request.method, request.url) : null;

  async function act(what: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
      setSaid(`${what}: done`);
      onChanged();
    } catch (e) {
      setSaid(`${what}: ${String(e instanceof Error ? e.message : e)}`);
    }
  }

  return (
    <section aria-label="Actions" class="actions">
      {!FINISHED.has(state) && (
        <button
          type="button"
          onClick={() => void act('Cancel', () => callApi(path, { method: 'DELETE' }))}
        >
          Cancel
        </button>
      )}
      {state === 'failed' || state === 'cancelled' ? (
        <button
          type="button"
          onClick={() => void act('Replay', () => callApi(`${path}/retry`, { method: 'POST' }))}
        >
          Replay
        </button>
      ) : null}
      {curl && (
        <button
          type="button"
          onClick={() => void act('Copy as curl', () => navigator.clipboard.writeText(curl))}
        >
          Copy as curl
        </button>
      )}
      {curl && <code class="curl">{curl}</code>}
      <p role="status">{said}</p>
    </section>
  );
}
