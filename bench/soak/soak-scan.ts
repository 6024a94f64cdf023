/**
 * Accounting before trimming: the workers keep the retention defaults (the
 * last 10,000 completed jobs), so the soak reads the queue's completed and
 * failed sets every few seconds, from the newest finish time it has seen on,
 * and notes each execution's final state in the ledger before retention can
 * remove it. Also snapshots the active list (executions a fault may cut).
 * The ledger is the only thing it keeps per execution; unknown ids and the
 * reasons of unexpected failures are kept up to a bound.
 */
import { Redis } from 'ioredis';
import type { Entry } from './soak-accounting.js';

const SCAN_MS = 3000;
// A job's finish time is its worker's clock when it finished, and the write can reach Redis
// later (another worker's, or one held over a Redis restart): each scan reads this far back.
const SLACK_MS = 30_000;
const MAX_NOTED = 100;
// Every stalled-out execution's reason is needed for its accounting; these are few.
const MAX_REASONS = 10_000;
const SCHEDULED = /^repeat:soak-schedule:/;

/** Ids and scores of a `ZRANGEBYSCORE … WITHSCORES` answer. */
function pairs(flat: string[]): [string, number][] {
  const out: [string, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i] ?? '', Number(flat[i + 1])]);
  return out;
}

/** A scheduled run's ledger entry, made when the soak first sees it. */
function scheduledEntry(): Entry {
  return {
    kind: 'scheduled',
    expectFinal: 'completed',
    expectRuns: 1,
    expectLastState: 'completed',
    twice: 0,
    exposed: 0,
  };
}

/** Reads the queue's final sets into the ledger. */
export class FinalStateScanner {
  readonly redis: Redis;
  readonly #base: string;
  readonly #ledger: Map<string, Entry>;
  readonly #onFailed: (id: string) => void;
  readonly #unknown = new Set<string>();
  /** Why executions that should not fail did (BullMQ's failedReason), for the report. */
  readonly failedReasons = new Map<string, string>();
  #from = { completed: 0, failed: 0 };
  #timer: NodeJS.Timeout | undefined;
  #scanning: Promise<void> | undefined;

  /** `base`: the queue's key start, `{taskrest:soak}:soak`. */
  constructor(
    url: string,
    base: string,
    ledger: Map<string, Entry>,
    onFailed: (id: string) => void,
  ) {
    // Keeps reconnecting through the Redis restart; a scan that fails is done again later.
    this.redis = new Redis(url, { maxRetriesPerRequest: 1 });
    this.redis.on('error', () => undefined);
    this.#base = base;
    this.#ledger = ledger;
    this.#onFailed = onFailed;
  }

  /**
   * Ids found in the final sets that the ledger does not know, now: an
   * execution can finish before the answer of the bulk that enqueued it
   * reaches the feeder, so one the ledger has since received is not unknown.
   */
  get unknown(): string[] {
    return [...this.#unknown].filter((id) => !this.#ledger.has(id));
  }

  start(): void {
    this.#timer = setInterval(() => void this.scan(), SCAN_MS);
  }

  /** One scan (waits for a running one instead of starting a second). */
  scan(): Promise<void> {
    this.#scanning ??= this.#scanOnce()
      .catch(() => undefined)
      .finally(() => (this.#scanning = undefined));
    return this.#scanning;
  }

  /** Reads the whole of both final sets (at the end, when nothing moves any more). */
  async sweep(): Promise<void> {
    await this.#scanning;
    await this.#scanOnce(0, 0);
  }

  async #scanOnce(
    fromCompleted = this.#from.completed - SLACK_MS,
    fromFailed = this.#from.failed - SLACK_MS,
  ): Promise<void> {
    const answer = await this.redis
      .multi()
      .zrangebyscore(`${this.#base}:completed`, fromCompleted, '+inf', 'WITHSCORES')
      .zrangebyscore(`${this.#base}:failed`, fromFailed, '+inf', 'WITHSCORES')
      .exec();
    const completed = pairs((answer?.[0]?.[1] as string[] | undefined) ?? []);
    const failed = pairs((answer?.[1]?.[1] as string[] | undefined) ?? []);
    const inFailed = new Set(failed.map(([id]) => id));
    for (const [id, score] of completed) {
      this.#note(id, 'completed', inFailed.has(id));
      this.#from.completed = Math.max(this.#from.completed, score);
    }
    for (const [id, score] of failed) {
      this.#note(id, 'failed', false);
      this.#from.failed = Math.max(this.#from.failed, score);
    }
  }

  #entryOf(id: string): Entry | undefined {
    let e = this.#ledger.get(id);
    if (!e && SCHEDULED.test(id)) {
      e = scheduledEntry();
      this.#ledger.set(id, e);
    }
    return e;
  }

  #note(id: string, state: 'completed' | 'failed', twice: boolean): void {
    const e = this.#entryOf(id);
    if (!e) {
      if (this.#unknown.size >= MAX_NOTED) {
        for (const known of this.#unknown) if (this.#ledger.has(known)) this.#unknown.delete(known);
      }
      if (this.#unknown.size < MAX_NOTED) this.#unknown.add(id);
      return;
    }
    if (twice) e.twice++;
    const first = e.seen !== state;
    e.seen = state;
    if (!first || state !== 'failed') return;
    this.#onFailed(id);
    if (
      e.expectFinal !== 'failed' &&
      e.kind !== 'replay' &&
      this.failedReasons.size < MAX_REASONS
    ) {
      void this.redis
        .hget(`${this.#base}:${id}`, 'failedReason')
        .then((reason) => this.failedReasons.set(id, reason ?? '?'))
        .catch(() => undefined);
    }
  }

  /** The executions in the active list now. */
  async activeIds(): Promise<string[]> {
    return this.redis.lrange(`${this.#base}:active`, 0, -1);
  }

  /** Marks executions as exposed to one more fault. */
  expose(ids: Iterable<string>): void {
    for (const id of ids) {
      const e = this.#entryOf(id);
      if (e) e.exposed++;
    }
  }

  /** Waiting, active, delayed and prioritized executions, and history records not yet written. */
  async unfinished(): Promise<number> {
    const b = this.#base;
    const answer = await this.redis
      .multi()
      .llen(`${b}:wait`)
      .llen(`${b}:active`)
      .zcard(`${b}:delayed`)
      .zcard(`${b}:prioritized`)
      .xlen(`${b}:taskrest-history`)
      .exec();
    return (answer ?? []).reduce((sum, [, n]) => sum + Number(n ?? 0), 0);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#scanning;
    this.redis.disconnect();
  }
}
