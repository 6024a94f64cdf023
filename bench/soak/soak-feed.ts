/**
 * The soak's feeder: a steady, mixed stream of tasks through the HTTP API's
 * bulk route, each with an idempotency key as its execution id so that a
 * bulk refused while Redis is away is sent again as it was, never doubled.
 * Cancels waiting and parked ones, replays failed ones and keeps the ledger.
 */
import type { Entry, Kind } from './soak-accounting.js';

/** Per 100 tasks: how many of each kind (the rest of the mix is `ok`). */
const MIX: ReadonlyArray<[Kind, number]> = [
  ['retry', 10],
  ['parked', 4],
  ['circuit', 4],
  ['replay', 4],
  ['fail', 2],
  ['callback', 8],
  ['cancel_delayed', 4],
  ['cancel_parked', 2],
];
const TICKS_PER_SECOND = 4;
const CANCEL_AFTER_MS = 2000;
const CANCEL_TRIES = 30;

/**
 * The retention counts of a run: small enough that the completed and the
 * failed sets are full by the first sixth of the feeding (so that Redis's
 * memory has its level before the window its verdict looks at), never above
 * the deployed defaults for completed (10,000) nor 1,000 for failed. Only
 * the `fail` kind stays failed.
 */
export function retentionFor(perSecond: number, feedSeconds: number) {
  const sixth = (perSecond * feedSeconds) / 6;
  const failShare = (MIX.find(([kind]) => kind === 'fail')?.[1] ?? 0) / 100;
  return {
    completed: Math.min(10_000, Math.round(sixth * 0.9)),
    failed: Math.min(1000, Math.max(20, Math.round(sixth * failShare))),
  };
}

/** The kinds of one cycle of 100 tasks, spread out rather than in runs. */
export function kindCycle(): Kind[] {
  const cycle: Kind[] = Array.from({ length: 100 }, () => 'ok');
  let slot = 0;
  for (const [kind, n] of MIX) {
    for (let i = 0; i < n; i++) {
      while (cycle[slot % 100] !== 'ok') slot++;
      cycle[slot % 100] = kind;
      slot += 7;
    }
  }
  return cycle;
}

interface Bulk {
  items: BulkItem[];
  entries: [string, Entry][];
}

interface BulkItem {
  task: Record<string, unknown>;
  idempotency_key: string;
  delay?: number;
  callback?: string;
}

/** Where the feeder sends and what its tasks call. */
export interface FeedTargets {
  readonly api: string;
  readonly target: string;
  readonly circuit: string;
  readonly receiver: string;
}

function entry(kind: Kind, expectRequests: number | undefined): Entry {
  return {
    kind,
    expectFinal: kind === 'fail' || kind === 'replay' ? 'failed' : 'completed',
    expectRuns: 1,
    expectLastState: kind === 'fail' || kind === 'replay' ? 'failed' : 'completed',
    expectRequests,
    twice: 0,
    exposed: 0,
  };
}

function parkedBackoff(kind: Kind) {
  const initial = kind === 'parked' ? 8 : 40;
  return { initial, maximum: initial, deadline: 120 };
}

/** The bulk item of one task of `kind` with execution id `id`, and its ledger entry. */
export function itemOf(kind: Kind, id: string, seq: number, to: FeedTargets): [BulkItem, Entry] {
  const t = `${to.target}/t/${id}`;
  const backoff = (deadline: number, maximum = 60) => ({ initial: 1, maximum, deadline });
  switch (kind) {
    case 'retry': {
      const fails = 1 + (seq % 2);
      const task = { url: `${t}?fail=${fails}&code=503`, retry_backoff: backoff(60) };
      return [{ task, idempotency_key: id }, entry(kind, fails + 1)];
    }
    case 'parked':
    case 'cancel_parked': {
      // A first wait above TASKREST_INLINE_RETRY_SECONDS parks the retry as a delayed job. Not
      // with Retry-After: that would hold the whole destination, every other task's too.
      const task = { url: `${t}?fail=1&code=503`, retry_backoff: parkedBackoff(kind) };
      return [{ task, idempotency_key: id }, entry(kind, 2)];
    }
    case 'circuit': {
      const task = { url: `${to.circuit}/c/${id}`, retry_backoff: backoff(600, 10) };
      return [{ task, idempotency_key: id }, entry(kind, undefined)];
    }
    case 'replay':
      return [{ task: { url: `${t}?fail=1&code=500` }, idempotency_key: id }, entry(kind, 1)];
    case 'fail':
      return [{ task: { url: `${t}?fail=1000000&code=500` }, idempotency_key: id }, entry(kind, 1)];
    case 'callback':
      return [{ task: { url: t }, idempotency_key: id, callback: to.receiver }, entry(kind, 1)];
    case 'cancel_delayed':
      return [{ task: { url: t }, idempotency_key: id, delay: 60 }, entry(kind, 1)];
    default:
      return [{ task: { url: t }, idempotency_key: id }, entry(kind, 1)];
  }
}

/** Counts of what the feeder did. */
export interface FeedCounts {
  enqueued: number;
  refusedBulks: number;
  cancels: number;
  cancelsRemoved: number;
  replays: number;
  replaysRefused: number;
}

/** The feeder and its ledger. */
export class Feeder {
  /** Every execution the soak expects, by execution id. */
  readonly ledger = new Map<string, Entry>();
  readonly counts: FeedCounts = {
    enqueued: 0,
    refusedBulks: 0,
    cancels: 0,
    cancelsRemoved: 0,
    replays: 0,
    replaysRefused: 0,
  };
  readonly #to: FeedTargets;
  readonly #perTick: number;
  readonly #cycle = kindCycle();
  #seq = 0;
  #pending: Bulk | undefined;
  #busy = false;
  #timer: NodeJS.Timeout | undefined;
  #cancels: { id: string; at: number; tries: number }[] = [];

  constructor(to: FeedTargets, perSecond: number) {
    this.#to = to;
    this.#perTick = Math.max(1, Math.round(perSecond / TICKS_PER_SECOND));
  }

  start(): void {
    this.#timer = setInterval(() => void this.#tick(), 1000 / TICKS_PER_SECOND);
  }

  /** Stops making new tasks; cancels and replays still run (`settle`). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = setInterval(() => void this.#tick(false), 1000 / TICKS_PER_SECOND);
  }

  /** Stops everything. */
  close(): void {
    clearInterval(this.#timer);
  }

  /** Cancels and bulks not done yet. */
  get backlog(): number {
    return this.#cancels.length + (this.#pending ? 1 : 0);
  }

  async #tick(feed = true): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      if (!this.#pending && feed) this.#pending = this.#nextBulk();
      if (this.#pending) await this.#send(this.#pending);
      await this.#cancelDue();
    } finally {
      this.#busy = false;
    }
  }

  #nextBulk(): Bulk {
    const items: BulkItem[] = [];
    const entries: [string, Entry][] = [];
    for (let i = 0; i < this.#perTick; i++) {
      const seq = this.#seq++;
      const kind = this.#cycle[seq % this.#cycle.length] ?? 'ok';
      const id = `${kind.replace('_', '-')}-${seq}`;
      const [item, e] = itemOf(kind, id, seq, this.#to);
      items.push(item);
      entries.push([id, e]);
    }
    return { items, entries };
  }

  async #send(bulk: Bulk): Promise<void> {
    const answer = await this.#call('POST', '/api/tasks/bulk', bulk.items);
    if (answer?.status !== 202) {
      this.counts.refusedBulks++;
      return;
    }
    for (const [id, e] of bulk.entries) {
      this.ledger.set(id, e);
      if (e.kind === 'callback') this.ledger.set(`callback!${id}`, entry('delivery', 1));
      if (e.kind.startsWith('cancel')) this.#cancels.push({ id, at: Date.now(), tries: 0 });
    }
    this.counts.enqueued += bulk.entries.length;
    this.#pending = undefined;
  }

  async #cancelDue(): Promise<void> {
    const now = Date.now();
    const due = this.#cancels.filter((c) => now - c.at >= CANCEL_AFTER_MS);
    this.#cancels = this.#cancels.filter((c) => now - c.at < CANCEL_AFTER_MS);
    for (const c of due) {
      if (!(await this.#cancel(c.id)) && ++c.tries < CANCEL_TRIES) {
        this.#cancels.push({ ...c, at: now - CANCEL_AFTER_MS + 1000 });
      }
    }
  }

  /** Cancels one execution; false when it is not due yet or the API did not answer. */
  async #cancel(id: string): Promise<boolean> {
    const e = this.ledger.get(id);
    if (!e) return true;
    if (e.kind === 'cancel_parked') {
      // Only once its first attempt was answered 503 and it parked.
      const seen = await fetch(`${this.#to.target}/__count/${id}`).then((r) => r.json());
      if ((seen as { count: number }).count < 1) return false;
    }
    const answer = await this.#call('DELETE', `/api/tasks/${encodeURIComponent(id)}`);
    if (!answer || answer.status >= 500) return false;
    this.counts.cancels++;
    if (answer.status === 204) {
      this.counts.cancelsRemoved++;
      Object.assign(e, { expectFinal: 'absent', expectRuns: 0, expectLastState: undefined });
      e.expectRequests = e.kind === 'cancel_parked' ? 1 : 0;
    } else if ((answer.body as { state?: string }).state !== 'completed') {
      // Cancelled while it ran: it ends failed, its history run `cancelled`.
      Object.assign(e, { expectFinal: 'failed', expectLastState: 'cancelled' });
      e.expectRequests = undefined;
    }
    return true;
  }

  /** Replays a failed `replay` execution once (POST …/retry). */
  async replay(id: string): Promise<void> {
    const e = this.ledger.get(id);
    if (!e || e.kind !== 'replay' || e.expectRuns > 1) return;
    e.expectRuns = 2;
    const answer = await this.#call('POST', `/api/tasks/${encodeURIComponent(id)}/retry`);
    if (answer?.status === 200) {
      this.counts.replays++;
      Object.assign(e, { expectFinal: 'completed', expectLastState: 'completed' });
      e.expectRequests = 2;
    } else {
      this.counts.replaysRefused++;
      e.expectRuns = 1;
    }
  }

  /** Sets (`every` seconds) or removes (undefined) the soak's schedule. */
  async schedule(every: number | undefined): Promise<void> {
    const path = '/api/schedules/soak-schedule';
    const body = { task: { url: `${this.#to.target}/t/schedule` }, every_seconds: every };
    const answer = await this.#call(every ? 'PUT' : 'DELETE', path, every ? body : undefined);
    if (!answer || answer.status >= 300)
      throw new Error(`schedule: ${answer?.status ?? 'no answer'}`);
  }

  async #call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown } | undefined> {
    try {
      const response = await fetch(`${this.#to.api}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    } catch {
      return undefined;
    }
  }
}
