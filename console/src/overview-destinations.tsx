import type { DestinationInfo } from '../../shared/destinations/destination-state.js';
import type { OriginStats } from '../../shared/history/execution-history.js';
import { callApi } from './api-client.js';
import { ColumnHeads } from './column-heads.js';
import { millisOf } from './durations.js';
import { ReadError } from './read-error.js';
import { hrefOf } from './route.js';
import { usePolling } from './use-polling.js';

/** "2 circuits open, 1 half-open", "No circuit open". */
function circuitsText(destinations: readonly DestinationInfo[]): string {
  const open = destinations.filter((d) => d.circuit === 'open').length;
  const half = destinations.filter((d) => d.circuit === 'half_open').length;
  const opened = open === 0 ? 'No circuit open' : `${open} circuit${open === 1 ? '' : 's'} open`;
  return half === 0 ? opened : `${opened}, ${half} half-open`;
}

/**
 * The destinations the range's executions went to (the stats' origins, busiest
 * first) with what the gate says of each now: its circuit and the
 * executions it held; above them, how many circuits are open.
 */
export function OverviewDestinations({
  origins,
  words,
}: {
  origins: readonly OriginStats[] | undefined;
  words: string;
}) {
  const destinations = usePolling(() => callApi<DestinationInfo[]>('/api/destinations'), 'dest');
  const byOrigin = new Map((destinations.data ?? []).map((d) => [d.origin, d]));
  return (
    <section aria-labelledby="destinations-heading">
      <h2 id="destinations-heading">Destinations</h2>
      <ReadError error={destinations.error} />
      {destinations.data && (
        <p>
          <a href={hrefOf(['destinations'])}>{circuitsText(destinations.data)}</a>
        </p>
      )}
      <table aria-label="Destinations">
        <ColumnHeads
          names={['origin', `completed, ${words}`, `failed, ${words}`, `p95, ${words}`].concat([
            'circuit',
            'held',
          ])}
        />
        <tbody>
          {(origins ?? []).map((o) => {
            const now = byOrigin.get(o.origin);
            return (
              <tr key={o.origin}>
                <th scope="row" class="url">
                  <a href={hrefOf(['executions'], { origin: o.origin })}>{o.origin}</a>
                </th>
                <td>{o.completed}</td>
                <td>{o.failed}</td>
                <td>{millisOf(o.p95_ms)}</td>
                <td class={now && now.circuit !== 'closed' ? 'error' : undefined}>
                  {now ? now.circuit.replace('_', '-') : '–'}
                </td>
                <td>{now ? now.held : '–'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
