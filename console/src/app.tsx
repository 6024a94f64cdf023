import { useEffect, useState } from 'preact/hooks';
import { callApi, storeToken, UnauthorizedError } from './api-client.js';
import { ExecutionView } from './execution-view.js';
import { ExecutionsView } from './executions-view.js';
import { OverviewView } from './overview-view.js';
import { hrefOf, useRoute } from './route.js';
import { SignIn } from './sign-in.js';

type Access = 'checking' | 'signed-out' | 'open' | { error: string };

/**
 * The console: signs in when the API wants a token, then shows the view the
 * URL's hash names.
 */
export function App() {
  const [access, setAccess] = useState<Access>('checking');
  useEffect(() => {
    callApi('/api/queues').then(
      () => setAccess('open'),
      (e: unknown) => {
        if (!(e instanceof UnauthorizedError)) return setAccess({ error: String(e) });
        storeToken(null);
        setAccess('signed-out');
      },
    );
  }, []);
  if (access === 'checking') return <p aria-busy="true">Loading…</p>;
  if (access === 'signed-out') return <SignIn onSignedIn={() => setAccess('open')} />;
  if (typeof access === 'object') return <p role="alert">{access.error}</p>;
  return <Shell />;
}

function Shell() {
  const route = useRoute();
  const [first, queue, id] = route.segments;
  return (
    <>
      <header>
        <nav aria-label="Console">
          <span class="brand">taskrest</span>
          <a href={hrefOf([])} aria-current={first === undefined ? 'page' : undefined}>
            Overview
          </a>
          <a
            href={hrefOf(['executions'])}
            aria-current={first === 'executions' ? 'page' : undefined}
          >
            Executions
          </a>
        </nav>
      </header>
      <main>
        {first === 'executions' && queue !== undefined && id !== undefined ? (
          <ExecutionView queue={queue} id={id} />
        ) : first === 'executions' ? (
          <ExecutionsView query={route.query} />
        ) : (
          <OverviewView />
        )}
      </main>
    </>
  );
}
