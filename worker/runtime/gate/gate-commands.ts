import {
  DESTINATION_LISTED_MS,
  MAX_COOLDOWN_MS,
  gateIndexKeys,
  subjectKeys,
  type GateIndexKeys,
  type SubjectKeys,
} from '../../../shared/destinations/gate-keys.js';
import type { RedisClient } from '../../../shared/redis-connection.js';
import { ADMIT_LUA } from './admit-script.js';
import { FLUSH_LUA } from './flush-script.js';
import { RENEW_LUA } from './renew-script.js';
import { SETTLE_LUA } from './settle-script.js';

/** The names the scripts are defined under on the connection (sent by SHA: EVALSHA). */
const ADMIT = 'taskrestGateAdmit';
const SETTLE = 'taskrestGateSettle';
const FLUSH = 'taskrestGateFlush';
const RENEW = 'taskrestGateRenew';

type Arg = string | number;

/** The connection once the scripts are defined on it. */
type GateClient = RedisClient & {
  [ADMIT](...keysAndArgs: Arg[]): Promise<unknown[]>;
  [SETTLE](...keysAndArgs: Arg[]): Promise<string[]>;
  // Without a fixed key count: the first argument is the number of keys.
  [FLUSH](...keysAndArgs: Arg[]): Promise<number>;
  [RENEW](...keysAndArgs: Arg[]): Promise<number>;
};

/** What the admit script answered. */
export interface AdmitAnswer {
  readonly admitted: boolean;
  /** When held: until when (epoch ms). */
  readonly until: number;
  /** When held: the HoldReason. */
  readonly reason: string;
  /** When held: a detail for the message (the limit, the destination's words, the last error). */
  readonly detail: string;
  /** When admitted: whether a concurrency lease was taken on the destination, on the flow key. */
  readonly destLease: boolean;
  readonly flowLease: boolean;
  /** When admitted: whether this request is the half-open circuit's probe. */
  readonly probe: boolean;
  /** Whether the destination, the flow key were unrestricted (the fast path may skip them). */
  readonly destUnrestricted: boolean;
  readonly flowUnrestricted: boolean;
}

/** What the settle script needs to know of an ended request. */
export interface SettleInput {
  readonly now: number;
  readonly origin: string;
  readonly flowKey: string | undefined;
  readonly holder: string;
  readonly destLease: boolean;
  readonly flowLease: boolean;
  readonly probe: boolean;
  readonly failed: boolean;
  readonly error: string | null;
  /** A hold the destination asked for (already capped), 0 for none, and its reason. */
  readonly holdMs: number;
  readonly holdReason: string;
  /** A 429 without a time: the learned rate halves. */
  readonly rejected: boolean;
}

/** One destination's or flow key's fast-path report (see flush-script.ts). */
export interface FlushRow {
  readonly kind: 'dest' | 'flow';
  readonly name: string;
  readonly seenAt: number;
  readonly lastSuccessAt: number | null;
  /** Requests in flight without a lease, null when not reported (flow keys). */
  readonly inflight: number | null;
  readonly inflightExpiresAt: number;
  /** Sends per epoch second. */
  readonly sent: ReadonlyMap<number, number>;
}

/** One lease or probe to extend (see renew-script.ts). */
export interface RenewRow {
  readonly kind: 'lease' | 'probe';
  /** The leases set, or the state hash of a probe. */
  readonly key: string;
  readonly holder: string;
}

const bit = (value: boolean) => (value ? 1 : 0);

/**
 * The gate's four scripts on one connection, with their keys and arguments
 * laid out as the scripts read them. Circuit settings are fixed per gate.
 */
export class GateCommands {
  readonly #client: GateClient;
  readonly #prefix: string;
  readonly #index: GateIndexKeys;
  readonly #circuit: { readonly failures: number; readonly cooldownMs: number };

  constructor(
    connection: RedisClient,
    prefix: string,
    circuit: { readonly failures: number; readonly cooldownMs: number },
  ) {
    connection.defineCommand(ADMIT, { numberOfKeys: 16, lua: ADMIT_LUA });
    connection.defineCommand(SETTLE, { numberOfKeys: 9, lua: SETTLE_LUA });
    connection.defineCommand(FLUSH, { lua: FLUSH_LUA });
    connection.defineCommand(RENEW, { lua: RENEW_LUA });
    this.#client = connection as GateClient;
    this.#prefix = prefix;
    this.#index = gateIndexKeys(prefix);
    this.#circuit = circuit;
  }

  /** The keys of a destination (origin) or a flow key. */
  keysOf(subject: 'dest' | 'flow', name: string): SubjectKeys {
    return subjectKeys(this.#prefix, subject, name);
  }

  /** The pub/sub channel the settle script (and the admin API) announce changes on. */
  get changesChannel(): string {
    return this.#index.changes;
  }

  /** Runs the admit script for `holder`'s request to `origin` (and `flowKey`). */
  async admit(ask: {
    now: number;
    origin: string;
    flowKey: string | undefined;
    holder: string;
    leaseMs: number;
  }): Promise<AdmitAnswer> {
    const dest = this.keysOf('dest', ask.origin);
    // Without a flow key the flow slots hold the destination's keys, never touched.
    const flow = ask.flowKey === undefined ? dest : this.keysOf('flow', ask.flowKey);
    const i = this.#index;
    const reply = await this.#client[ADMIT](
      ...[dest.state, dest.sends, dest.leases, dest.wake, dest.held, secondKey(dest, ask.now, 0)],
      ...[flow.state, flow.sends, flow.leases, flow.wake, flow.held],
      ...[i.destinations, i.limitedDestinations, i.flowKeys, i.limitedFlowKeys, i.heldTotal],
      ...[ask.now, ask.holder, ask.leaseMs, ask.origin, ask.flowKey ?? '', DESTINATION_LISTED_MS],
    );
    return {
      admitted: reply[0] === 1,
      until: Number(reply[1]),
      reason: String(reply[2]),
      detail: String(reply[3]),
      destLease: reply[4] === 1,
      flowLease: reply[5] === 1,
      probe: reply[6] === 1,
      destUnrestricted: reply[7] === 1,
      flowUnrestricted: reply[8] === 1,
    };
  }

  /** Runs the settle script; resolves to the holders to wake. */
  settle(input: SettleInput): Promise<string[]> {
    const dest = this.keysOf('dest', input.origin);
    const flow = input.flowKey === undefined ? dest : this.keysOf('flow', input.flowKey);
    const counters = [0, 1, 2].map((back) => secondKey(dest, input.now, back));
    return this.#client[SETTLE](
      ...[dest.state, dest.leases, dest.wake, dest.sends, flow.leases, flow.wake, ...counters],
      ...[input.now, input.holder, bit(input.destLease), bit(input.flowLease), bit(input.probe)],
      ...[bit(input.failed), input.error ?? '', input.holdMs, input.holdReason],
      ...[bit(input.rejected), this.#circuit.failures, this.#circuit.cooldownMs, MAX_COOLDOWN_MS],
      ...[this.#index.changes, input.origin],
    );
  }

  /** Runs the flush script for `rows` (none: nothing sent). */
  async flush(now: number, workerId: string, rows: readonly FlushRow[]): Promise<void> {
    if (rows.length === 0) return;
    const i = this.#index;
    const keys = [i.destinations, i.limitedDestinations, i.flowKeys, i.limitedFlowKeys];
    const args: Arg[] = [now, workerId, DESTINATION_LISTED_MS];
    for (const row of rows) {
      const subject = this.keysOf(row.kind, row.name);
      keys.push(subject.state, ...[...row.sent.keys()].map((s) => `${subject.sent}:${s}`));
      args.push(row.kind, row.name, row.seenAt, row.lastSuccessAt ?? '');
      args.push(row.inflight ?? '', row.inflightExpiresAt, row.sent.size, ...row.sent.values());
    }
    await this.#client[FLUSH](keys.length, ...keys, ...args);
  }

  /** Runs the renew script: `rows` now expire at `until`. */
  async renew(rows: readonly RenewRow[], until: number, leaseMs: number): Promise<void> {
    if (rows.length === 0) return;
    const args = rows.flatMap((row) => [row.kind, row.holder, until]);
    await this.#client[RENEW](rows.length, ...rows.map((row) => row.key), leaseMs * 2, ...args);
  }
}

/** The send counter of the whole second `back` seconds before `now`'s. */
function secondKey(keys: SubjectKeys, now: number, back: number): string {
  return `${keys.sent}:${Math.floor(now / 1000) - back}`;
}
