import { useState } from 'preact/hooks';
import { callApi, storeToken, UnauthorizedError } from './api-client.js';

/**
 * The form shown when the API asks for a token (API_TOKENS set). The token
 * is tried against `GET /api/queues` before it is kept.
 */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await callApi('/api/queues', { token });
      storeToken(token);
      onSignedIn();
    } catch (e) {
      setError(e instanceof UnauthorizedError ? 'wrong token' : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="sign-in">
      <h1>taskrest console</h1>
      <form onSubmit={(e) => void submit(e)} aria-label="Sign in">
        <label for="api-token">API token</label>
        <input
          id="api-token"
          type="password"
          autocomplete="off"
          required
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
