import { keyTag } from '../queue-keys.js';

/**
 * Where the destinations' gate keeps its state in Redis. BullMQ has no
 * per-group limits (only BullMQ Pro does), so this is the one structure of
 * taskrest's own: a few keys per destination and per flow key, all under one
 * hash tag, `{<TASKREST_PREFIX>:gate}`, so that one Lua script may touch a
 * destination and a flow key together (in a Redis Cluster they share a slot).
 *
 * Per destination (`<origin>` as `destinationOf` writes it, `https://host:443`):
 *
 * - `…:dest:<origin>` HASH, limits and live state (see DEST_FIELDS);
 * - `…:dest-sends:<origin>` ZSET of sends (member: a send id, score: its time
 *   in ms; future scores are slots reserved by held executions) for the rate
 *   window, kept to the window's length;
 * - `…:dest-leases:<origin>` ZSET of concurrency leases (member: the holder,
 *   score: when the lease expires in ms); taken only when a concurrency limit
 *   applies, renewed while the request runs, so a dead worker's lease expires;
 * - `…:dest-wake:<origin>` ZSET of held executions that wait for a slot, a
 *   probe's verdict or a resume (member: the holder, score: when they wake
 *   up anyway); a release wakes the earliest;
 * - `…:dest-held:<origin>` ZSET of every held execution (member: the holder,
 *   score: until when), for the held count;
 * - `…:dest-sent:<origin>:<epoch second>` STRING, requests sent in that second
 *   (expires after 10 s), what a 429 without headers halves.
 *
 * Per flow key the same, as `flow`, `flow-sends`, `flow-leases`, `flow-wake`,
 * `flow-held` (no circuit, no holds, no learned rate).
 *
 * A holder is an execution: `<queue>\n<execution id>` (see holderOf).
 */

/** The hash tag every gate key starts with: `{taskrest:gate}`. */
export function gateTag(prefix: string): string {
  return keyTag(prefix, 'gate');
}

/** What a gate key is about: a destination (origin) or a flow key. */
export type GateSubject = 'dest' | 'flow';

/** The keys of one destination or flow key. */
export interface SubjectKeys {
  /** HASH: limits and live state. */
  readonly state: string;
  /** ZSET: sends and reserved slots (rate window). */
  readonly sends: string;
  /** ZSET: concurrency leases. */
  readonly leases: string;
  /** ZSET: held executions waiting to be woken. */
  readonly wake: string;
  /** ZSET: every held execution, scored by until when. */
  readonly held: string;
  /** The start of its per-second send counters (`<this>:<epoch second>`). */
  readonly sent: string;
}

/** The keys of `name` (an origin or a flow key) under TASKREST_PREFIX. */
export function subjectKeys(prefix: string, subject: GateSubject, name: string): SubjectKeys {
  const base = `${gateTag(prefix)}:${subject}`;
  return {
    state: `${base}:${name}`,
    sends: `${base}-sends:${name}`,
    leases: `${base}-leases:${name}`,
    wake: `${base}-wake:${name}`,
    held: `${base}-held:${name}`,
    sent: `${base}-sent:${name}`,
  };
}

/** The keys that list destinations and flow keys, and count holds. */
export interface GateIndexKeys {
  /** ZSET: origin → last seen (ms). The API lists those seen in the last 24 h. */
  readonly destinations: string;
  /** SET: origins an operator set something on (listed whenever seen or not). */
  readonly limitedDestinations: string;
  /** ZSET: flow key → last seen (ms). */
  readonly flowKeys: string;
  /** SET: flow keys with limits. */
  readonly limitedFlowKeys: string;
  /** HASH: hold reason → executions held for it, ever (a counter for /metrics). */
  readonly heldTotal: string;
  /** Pub/sub channel: a destination or flow key whose gate changed (`dest\n<origin>`, `flow\n<key>`). */
  readonly changes: string;
}

/** The index keys under TASKREST_PREFIX. */
export function gateIndexKeys(prefix: string): GateIndexKeys {
  const tag = gateTag(prefix);
  return {
    destinations: `${tag}:destinations`,
    limitedDestinations: `${tag}:destinations-limited`,
    flowKeys: `${tag}:flow-keys`,
    limitedFlowKeys: `${tag}:flow-keys-limited`,
    heldTotal: `${tag}:held-total`,
    changes: `${tag}:gate-changes`,
  };
}

/**
 * The fields of a destination's (or flow key's) state hash. Times are epoch
 * ms, written as integers; absent fields are the defaults (no limit, closed
 * circuit, no hold). Flow keys use only the limit fields and `seen_at`.
 */
export const DEST_FIELDS = {
  // Limits an operator set.
  /** Rate limit: at most `rate_max` sends per `rate_per_ms`. */
  rateMax: 'rate_max',
  ratePerMs: 'rate_per_ms',
  /** At most this many requests in flight, across every worker. */
  maxConcurrency: 'max_concurrency',
  /** '1' while paused. */
  paused: 'paused',
  // The circuit.
  /** 'open' or 'half_open'; absent: closed. */
  circuit: 'circuit',
  openUntil: 'open_until',
  /** The cool-down the next opening lasts (doubles after a failed probe, up to 600 s); absent: the configured one. */
  cooldownMs: 'cooldown_ms',
  /** Consecutive failed attempts (reset by a success). */
  failures: 'failures',
  /** The holder whose request is the half-open circuit's probe, and until when its lease lasts. */
  probe: 'probe',
  probeUntil: 'probe_until',
  // What the destination said.
  /** Held by the destination's own headers until then, and why (e.g. "Retry-After after HTTP 429"). */
  heldUntil: 'held_until',
  holdReason: 'hold_reason',
  /** The rate (requests per second) learned from 429s without headers; absent: none. */
  learnedRate: 'learned_rate',
  /** When the learned rate last grew (or was set). */
  learnedAt: 'learned_at',
  /**
   * The rate it was last halved from, and a tenth of it (a step): the
   * learned rate grows half the way to a step below the former every half
   * second of successes, and from there by half a step every two seconds.
   */
  learnedFrom: 'learned_from',
  learnedStep: 'learned_step',
  /** When the learned rate was last halved (at most once a second). */
  learnedCutAt: 'learned_cut_at',
  /** When the last 429 without headers came, halving or not: the learned rate grows only after a while without. */
  learnedRejectedAt: 'learned_rejected_at',
  // What happened last.
  /** A short description of the last failed attempt (no URL, no secret) and when. */
  lastError: 'last_error',
  lastErrorAt: 'last_error_at',
  lastSuccessAt: 'last_success_at',
  seenAt: 'seen_at',
  /** `inflight:<worker id>` = `<count>:<expires at>`: a worker's requests without a lease, as it last reported them. */
  inflightPrefix: 'inflight:',
} as const;

/** Why an execution is held: the `reason` label of the held metrics and the log's words. */
export const HoldReason = {
  PAUSED: 'paused',
  CIRCUIT_OPEN: 'circuit_open',
  CIRCUIT_HALF_OPEN: 'circuit_half_open',
  DESTINATION: 'held_by_destination',
  RATE_LIMIT: 'rate_limit',
  LEARNED_RATE: 'learned_rate',
  CONCURRENCY: 'concurrency',
  FLOW_KEY_PAUSED: 'flow_key_paused',
  FLOW_KEY_RATE_LIMIT: 'flow_key_rate_limit',
  FLOW_KEY_CONCURRENCY: 'flow_key_concurrency',
} as const;
export type HoldReason = (typeof HoldReason)[keyof typeof HoldReason];

/** The holder of an execution: its queue and id, as leases, wake-ups and the held set name it. */
export function holderOf(queue: string, executionId: string): string {
  return `${queue}\n${executionId}`;
}

/** The queue and execution id of a holder; null for something else. */
export function parseHolder(holder: string): { queue: string; executionId: string } | null {
  const at = holder.indexOf('\n');
  if (at <= 0 || at === holder.length - 1) return null;
  return { queue: holder.slice(0, at), executionId: holder.slice(at + 1) };
}

/** The longest an open circuit stays open (its cool-down doubles after each failed probe up to this). */
export const MAX_COOLDOWN_MS = 600_000;

/** How long a destination is listed after it was last seen (without limits). */
export const DESTINATION_LISTED_MS = 24 * 3600 * 1000;

/** The index keys of one kind of subject: its last-seen ZSET and its limited SET. */
export function subjectIndexKeys(
  prefix: string,
  subject: GateSubject,
): { readonly seen: string; readonly limited: string } {
  const index = gateIndexKeys(prefix);
  return subject === 'dest'
    ? { seen: index.destinations, limited: index.limitedDestinations }
    : { seen: index.flowKeys, limited: index.limitedFlowKeys };
}

/** The message on the changes channel that a subject's gate changed: `dest\n<origin>`, `flow\n<key>`. */
export function changeMessage(subject: GateSubject, name: string): string {
  return `${subject}\n${name}`;
}
