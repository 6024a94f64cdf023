import type { Logger } from '../../../shared/logger.js';
import type { RedisClient } from '../../../shared/redis-connection.js';
import type {
  AttemptOutcome,
  GateAnswer,
  GateAsk,
  GatePass,
  RequestGate,
} from '../../executor/request-gate.js';
import { destinationSignal } from './destination-signals.js';
import { FastPathTally } from './fast-path-tally.js';
import { GateChanges } from './gate-changes.js';
import { GateCommands, type RenewRow } from './gate-commands.js';
import { holdMessage } from './hold-message.js';
import { LeaseRenewal } from './lease-renewal.js';
import { UnrestrictedCache, destSubject, flowSubject } from './unrestricted-cache.js';

/** How a RedisGate is set up. */
export interface RedisGateOptions {
  /** The worker's connection: the scripts are defined on it. */
  readonly connection: RedisClient;
  /** A connection for the changes channel, or its factory; the gate owns it (close() quits it). */
  readonly subscriber: RedisClient | (() => RedisClient);
  /** TASKREST_PREFIX. */
  readonly prefix: string;
  /** Names this worker's in-flight report (`inflight:<worker id>`). */
  readonly workerId: string;
  /** Consecutive failures that open a destination's circuit (0: never). */
  readonly circuitFailures: number;
  /** How long an open circuit stays open before its probe. */
  readonly circuitCooldownMs: number;
  /** The longest hold a destination's own headers may ask for. */
  readonly maxHoldMs: number;
  /** A lease's life without renewal: the job lock's duration. */
  readonly leaseMs: number;
  /** Held executions to wake now (a slot freed, a circuit closed): see wake-held.ts. */
  readonly onWake: (holders: string[]) => void;
  /** The clock (epoch ms). @defaultValue Date.now */
  readonly now?: () => number;
  /** How often the fast path's counts are sent. @defaultValue 1000 */
  readonly flushIntervalMs?: number;
  /** Where failures of the gate's background writes are told. @defaultValue none: they are dropped */
  readonly logger?: Pick<Logger, 'warn'>;
}

/** What a request's admission took, to give back when it settles. */
interface Taken {
  readonly destLease: boolean;
  readonly flowLease: boolean;
  readonly probe: boolean;
  /** The admit script found the destination restricted: its successes must be told. */
  readonly destRestricted: boolean;
}

const NO_ROWS: RenewRow[] = [];

const FAST: Taken = { destLease: false, flowLease: false, probe: false, destRestricted: false };

/**
 * The destinations' gate, in Redis, shared by every worker: limits an
 * operator set per destination (origin) and per flow key, the circuit
 * breaker, holds the destinations asked for and the rate learned from their
 * 429s (see the scripts in this directory).
 *
 * Most destinations have none of these: a request to one this process
 * knows unrestricted is let through at once, without a Promise and without
 * Redis, and what it did is counted for the next flush. That knowledge is
 * dropped when the changes channel names the destination, and after a few
 * seconds anyway.
 */
export class RedisGate implements RequestGate {
  readonly #commands: GateCommands;
  readonly #cache = new UnrestrictedCache();
  readonly #tally = new FastPathTally();
  readonly #changes: GateChanges;
  readonly #renewal: LeaseRenewal;
  readonly #options: RedisGateOptions;
  readonly #now: () => number;
  readonly #flushIntervalMs: number;
  readonly #flushTimer: NodeJS.Timeout;
  readonly #pending = new Set<Promise<void>>();
  readonly #ready: Promise<void>;
  #closed = false;

  constructor(options: RedisGateOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.#commands = new GateCommands(options.connection, options.prefix, {
      failures: options.circuitFailures,
      cooldownMs: options.circuitCooldownMs,
    });
    this.#renewal = new LeaseRenewal(options.leaseMs / 2, (rows) => this.#renew(rows));
    let heard: () => void = () => {};
    this.#ready = new Promise((resolve) => (heard = resolve));
    const subscriber =
      typeof options.subscriber === 'function' ? options.subscriber() : options.subscriber;
    this.#changes = new GateChanges(subscriber, this.#commands.changesChannel, {
      changed: (subject) => this.#cache.drop(subject),
      changedAll: () => this.#cache.dropAll(),
      listening: (on) => {
        this.#cache.enabled = on;
        if (on) heard();
      },
      error: (error) => this.#warn('gate subscriber failed', error),
    });
    this.#flushTimer = setInterval(() => this.#track(this.#flush()), this.#flushIntervalMs);
    this.#flushTimer.unref();
  }

  /** Resolves once the gate hears changes (before that, every request asks Redis). */
  ready(): Promise<void> {
    return this.#ready;
  }

  /**
   * Answers at once (no Promise) when the destination and the flow key are
   * known unrestricted; else after the admit script, one round trip. That
   * Promise rejects when Redis cannot answer: no limit can be kept without it.
   */
  ask(ask: GateAsk): GateAnswer | Promise<GateAnswer> {
    const now = this.#now();
    const free =
      this.#cache.has(destSubject(ask.origin), now) &&
      (ask.flowKey === undefined || this.#cache.has(flowSubject(ask.flowKey), now));
    if (!free) return this.#admit(ask, now);
    this.#tally.sent(ask.origin, ask.flowKey, now);
    return this.#pass(ask, FAST, now);
  }

  /** Sends the fast path's counts now (the timer does it every flush interval). */
  async flush(): Promise<void> {
    const flushed = this.#flush();
    this.#track(flushed);
    // Its failure is logged by #track; a caller only waits for it.
    await flushed.catch(() => {});
  }

  /** Resolves once the background writes under way (settles, renewals, flushes) are done. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Sends the last counts, stops the timers and the subscriber; waits for writes under way. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#flushTimer);
    this.#renewal.stop();
    this.#track(this.#flush());
    await this.idle();
    await this.#changes.close();
  }

  async #admit(ask: GateAsk, now: number): Promise<GateAnswer> {
    const epoch = this.#cache.epoch;
    const answer = await this.#commands.admit({ ...ask, now, leaseMs: this.#options.leaseMs });
    this.#cache.learn(destSubject(ask.origin), answer.destUnrestricted, now, epoch);
    if (ask.flowKey !== undefined) {
      this.#cache.learn(flowSubject(ask.flowKey), answer.flowUnrestricted, now, epoch);
    }
    if (!answer.admitted) {
      const message = holdMessage(ask.origin, ask.flowKey, answer.reason, answer.detail);
      return { admitted: false, until: answer.until, reason: answer.reason, message };
    }
    const { destLease, flowLease, probe } = answer;
    return this.#pass(
      ask,
      { destLease, flowLease, probe, destRestricted: !answer.destUnrestricted },
      now,
    );
  }

  #pass(ask: GateAsk, taken: Taken, now: number): GatePass {
    const rows = this.#renewRows(ask, taken);
    const renewId = rows.length > 0 ? this.#renewal.add(rows) : null;
    if (!taken.destLease) this.#tally.inflight(ask.origin, 1, now);
    let settled = false;
    return {
      admitted: true,
      settle: (outcome) => {
        if (settled) return;
        settled = true;
        if (renewId !== null) this.#renewal.remove(renewId);
        this.#settle(ask, taken, outcome);
      },
    };
  }

  #renewRows(ask: GateAsk, taken: Taken): RenewRow[] {
    // Most requests took nothing: no keys are built for them.
    if (!taken.destLease && !taken.probe && !taken.flowLease) return NO_ROWS;
    const rows: RenewRow[] = [];
    const { holder } = ask;
    const dest = this.#commands.keysOf('dest', ask.origin);
    if (taken.destLease) rows.push({ kind: 'lease', key: dest.leases, holder });
    if (taken.probe) rows.push({ kind: 'probe', key: dest.state, holder });
    if (taken.flowLease && ask.flowKey !== undefined) {
      rows.push({ kind: 'lease', key: this.#commands.keysOf('flow', ask.flowKey).leases, holder });
    }
    return rows;
  }

  /** Tells Redis what matters of an ended request; a plain success is only counted. Never throws. */
  #settle(ask: GateAsk, taken: Taken, outcome: AttemptOutcome): void {
    try {
      const now = this.#now();
      if (!taken.destLease) this.#tally.inflight(ask.origin, -1, now);
      const signal = destinationSignal(
        outcome.status,
        outcome.headers,
        now,
        this.#options.maxHoldMs,
      );
      const dest = destSubject(ask.origin);
      const plain =
        !outcome.failed &&
        signal === null &&
        outcome.status !== 429 &&
        outcome.status !== 503 &&
        !taken.destLease &&
        !taken.flowLease &&
        !taken.probe &&
        !taken.destRestricted &&
        this.#cache.has(dest, now);
      if (plain) {
        this.#tally.succeeded(ask.origin, now);
        return;
      }
      // Our own news, before the channel brings it: the next success must reach Redis.
      if (outcome.failed || signal !== null) this.#cache.drop(dest);
      const hold = signal !== null && 'holdMs' in signal ? signal : null;
      const rejected = signal !== null && 'rejected' in signal;
      // The rate a bare 429 halves is what was sent: this worker's counts go first
      // (one connection: the flush script runs before the settle script).
      if (rejected) this.#track(this.#flush());
      const settled = this.#commands.settle({
        ...taken,
        now,
        origin: ask.origin,
        flowKey: ask.flowKey,
        holder: ask.holder,
        failed: outcome.failed,
        error: outcome.error,
        holdMs: hold?.holdMs ?? 0,
        holdReason: hold?.reason ?? '',
        rejected,
      });
      this.#track(settled.then((holders) => this.#wake(holders)));
    } catch (error) {
      this.#warn('gate settle failed', error);
    }
  }

  #wake(holders: string[]): void {
    if (holders.length === 0) return;
    try {
      this.#options.onWake(holders);
    } catch (error) {
      // Not waking only delays them: they wake at their fallback time.
      this.#warn('waking held executions failed', error);
    }
  }

  #renew(rows: RenewRow[]): void {
    const { leaseMs } = this.#options;
    this.#track(this.#commands.renew(rows, this.#now() + leaseMs, leaseMs));
  }

  async #flush(): Promise<void> {
    if (this.#tally.empty) return;
    const now = this.#now();
    // A report outlives a missed flush or two, and a dead worker's expires.
    const expiresAt = now + Math.max(this.#options.leaseMs, 3 * this.#flushIntervalMs);
    await this.#commands.flush(now, this.#options.workerId, this.#tally.drain(now, expiresAt));
  }

  /**
   * Runs a background write to its end. Its failure is logged, not thrown:
   * the gate's writes repair themselves (a lease expires, a count is only
   * a count, a hold is asked for again by the next response).
   */
  #track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.#warn('gate write failed', error));
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  #warn(message: string, error: unknown): void {
    const text = error instanceof Error ? error.message : String(error);
    this.#options.logger?.warn(message, { error: text });
  }
}
