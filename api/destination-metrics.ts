import { Counter, Gauge, type Registry } from 'prom-client';
import {
  listedNames,
  readDestination,
  type DestinationInfo,
} from '../shared/destinations/destination-state.js';
import { gateIndexKeys } from '../shared/destinations/gate-keys.js';
import type { RedisClient } from '../shared/redis-connection.js';

/** Destinations with a label of their own; the rest are summed under `origin="other"`. */
export const LABELLED_DESTINATIONS = 20;

/** The label of the destinations past the labelled ones. */
export const OTHER_ORIGIN = 'other';

/** One scrape's destinations, each under the label it is shown with. */
interface Labelled {
  readonly origin: string;
  readonly info: DestinationInfo;
}

/**
 * The busiest destinations first (in flight and held), then the most
 * recently seen: a label per origin would let the series grow with every
 * host a task ever named, so only the first LABELLED_DESTINATIONS keep
 * theirs.
 */
function labelled(infos: { info: DestinationInfo; seenAt: number }[]): Labelled[] {
  const busiest = [...infos].sort(
    (a, b) =>
      b.info.in_flight + b.info.held - (a.info.in_flight + a.info.held) || b.seenAt - a.seenAt,
  );
  return busiest.map(({ info }, rank) => ({
    origin: rank < LABELLED_DESTINATIONS ? info.origin : OTHER_ORIGIN,
    info,
  }));
}

/** Adds each destination's value to its label's sum; `other` appears only when used. */
function setSums(gauge: Gauge, rows: readonly Labelled[], value: (i: DestinationInfo) => number) {
  const sums = new Map<string, number>();
  for (const { origin, info } of rows) sums.set(origin, (sums.get(origin) ?? 0) + value(info));
  for (const [origin, sum] of sums) gauge.set({ origin }, sum);
}

/**
 * The destinations' metrics, read from the gate's state in Redis at scrape
 * time: `taskrest_destination_circuit_open`, `taskrest_destination_held`,
 * `taskrest_destination_in_flight` (per origin, bounded as `labelled` says)
 * and `taskrest_executions_held_total` by hold reason. Returns what reads
 * the destinations once per scrape, before the registry renders.
 */
export function addDestinationMetrics(
  registry: Registry,
  redis: RedisClient,
  prefix: string,
): { refresh(): Promise<void> } {
  let rows: Labelled[] = [];
  const gauge = (name: string, help: string, value: (info: DestinationInfo) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['origin'],
      registers: [registry],
      collect() {
        this.reset();
        setSums(this, rows, value);
      },
    });
  gauge(
    'taskrest_destination_circuit_open',
    'Whether the destination’s circuit is open or half-open (1) or closed (0); under "other", how many are.',
    (info) => (info.circuit === 'closed' ? 0 : 1),
  );
  gauge(
    'taskrest_destination_held',
    'Executions held for the destination in the last minute.',
    (info) => info.held,
  );
  gauge(
    'taskrest_destination_in_flight',
    'Requests to the destination in flight now, across every worker.',
    (info) => info.in_flight,
  );
  new Counter({
    name: 'taskrest_executions_held_total',
    help: 'Times an execution was held by the destinations’ gate, by reason.',
    labelNames: ['reason'],
    registers: [registry],
    async collect() {
      this.reset();
      const counts = await redis.hgetall(gateIndexKeys(prefix).heldTotal);
      for (const [reason, count] of Object.entries(counts))
        this.inc({ reason }, Number(count) || 0);
    },
  });
  return {
    async refresh() {
      const now = Date.now();
      const names = await listedNames(redis, prefix, 'dest', now);
      const infos = await Promise.all(
        names.map(async ({ name, seenAt }) => ({
          info: await readDestination(redis, prefix, name, now),
          seenAt,
        })),
      );
      rows = labelled(infos);
    },
  };
}
