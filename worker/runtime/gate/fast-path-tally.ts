import type { FlushRow } from './gate-commands.js';

/** One subject's counts since the last flush. */
interface Counts {
  seenAt: number;
  lastSuccessAt: number | null;
  readonly sent: Map<number, number>;
  /** Whether its in-flight count changed or must be refreshed. */
  reportInflight: boolean;
}

/**
 * What this worker's requests did without asking Redis (and its unleased
 * requests in flight), kept until the next flush sends it in one call.
 */
export class FastPathTally {
  readonly #dest = new Map<string, Counts>();
  readonly #flow = new Map<string, Counts>();
  /** Requests in flight without a destination lease, per origin. */
  readonly #inflight = new Map<string, number>();

  /** A request to `origin` (with `flowKey`) sent at `now` without asking Redis. */
  sent(origin: string, flowKey: string | undefined, now: number): void {
    const counts = countsOf(this.#dest, origin, now);
    const second = Math.floor(now / 1000);
    counts.sent.set(second, (counts.sent.get(second) ?? 0) + 1);
    if (flowKey !== undefined) countsOf(this.#flow, flowKey, now);
  }

  /** A request to `origin` that needed no settle script succeeded at `now`. */
  succeeded(origin: string, now: number): void {
    countsOf(this.#dest, origin, now).lastSuccessAt = now;
  }

  /** One more (or, with -1, one fewer) request to `origin` in flight without a lease. */
  inflight(origin: string, change: 1 | -1, now: number): void {
    const count = (this.#inflight.get(origin) ?? 0) + change;
    if (count > 0) this.#inflight.set(origin, count);
    else this.#inflight.delete(origin);
    countsOf(this.#dest, origin, now).reportInflight = true;
  }

  /** Whether a flush has anything to send. */
  get empty(): boolean {
    return this.#dest.size === 0 && this.#flow.size === 0 && this.#inflight.size === 0;
  }

  /**
   * The rows to flush, and the tally emptied. Origins with requests in
   * flight are always reported, so that their report does not expire.
   */
  drain(now: number, inflightExpiresAt: number): FlushRow[] {
    for (const origin of this.#inflight.keys())
      countsOf(this.#dest, origin, now).reportInflight = true;
    const rows: FlushRow[] = [];
    for (const [name, counts] of this.#dest) {
      const inflight = counts.reportInflight ? (this.#inflight.get(name) ?? 0) : null;
      rows.push({ kind: 'dest', name, ...counts, inflight, inflightExpiresAt });
    }
    for (const [name, counts] of this.#flow) {
      rows.push({ kind: 'flow', name, ...counts, inflight: null, inflightExpiresAt });
    }
    this.#dest.clear();
    this.#flow.clear();
    return rows;
  }
}

function countsOf(map: Map<string, Counts>, name: string, now: number): Counts {
  let counts = map.get(name);
  if (counts === undefined) {
    counts = { seenAt: now, lastSuccessAt: null, sent: new Map(), reportInflight: false };
    map.set(name, counts);
  } else {
    counts.seenAt = Math.max(counts.seenAt, now);
  }
  return counts;
}
