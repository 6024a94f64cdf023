import { useLayoutEffect, useState } from 'preact/hooks';
import { AlertsLink } from './alerts-link.js';
import { AlertsView } from './alerts-view.js';
import { callApi, storeToken, UnauthorizedError } from './api-client.js';
import { DestinationsView } from './destinations-view.js';
import { ExecutionView } from './execution-view.js';
import { ExecutionsView } from './executions-view.js';
import { FlowKeysView } from './flow-keys-view.js';
import { OverviewView } from './overview-view.js';
import { QueuesView } from './queues-view.js';
import { hrefOf, useRoute } from './route.js';
import { SchedulesView } from './schedules-view.js';
import { SignIn } from './sign-in.js';

type Access = 'checking' | 'signed-out' | 'open' | { error: string };

/**
 * The console: signs in when the API wants a token, then shows the view the
 * URL's hash names.
 */
export function App() {
  const [access, setAccess] = useState<Access>('checking');
  // Sent as the page is first rendered, not a frame later: every view waits for this answer.
  useLayoutEffect(() => {
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

/** The views the navigation names, in its order: the first segment of their route, and their name. */
const SECTIONS = [
  ['', 'Overview'],
  ['executions', 'Executions'],
  ['queues', 'Queues'],
  ['destinations', 'Destinations'],
  ['flow-keys', 'Flow keys'],
  ['schedules', 'Schedules'],
] as const;

function Shell() {
  const route = useRoute();
  const [first = '', queue, id] = route.segments;
  return (
    <>
      <header>
        <nav aria-label="Console">
          <span class="brand">taskrest</span>
          {SECTIONS.map(([segment, name]) => (
            <a
              key={segment}
              href={hrefOf(segment === '' ? [] : [segment])}
              aria-current={first === segment ? 'page' : undefined}
            >
              {name}
            </a>
          ))}
          <AlertsLink current={first === 'alerts'} />
        </nav>
      </header>
      <main>
        <View first={first} queue={queue} id={id} query={route.query} />
      </main>
    </>
  );
}

function View(props: { first: string; queue?: string; id?: string; query: URLSearchParams }) {
  const { first, queue, id, query } = props;
  if (first === 'executions' && queue !== undefined && id !== undefined) {
    return <ExecutionView queue={queue} id={id} />;
  }
  switch (first) {
    case 'executions':
      return <ExecutionsView query={query} />;
    case 'queues':
      return <QueuesView />;
    case 'destinations':
      return <DestinationsView />;
    case 'flow-keys':
      return <FlowKeysView />;
    case 'schedules':
      return <SchedulesView />;
    case 'alerts':
      return <AlertsView />;
    default:
      return <OverviewView query={query} />;
  }
}
