import type { RateLimit } from '../queue-settings.js';
import type { RedisClient } from '../redis-connection.js';
import {
  DEST_FIELDS as F,
  DESTINATION_LISTED_MS,
  subjectIndexKeys,
  subjectKeys,
  type GateSubject,
} from './gate-keys.js';

/** How far back a held execution still counts as held: one that has not asked again since is gone. */
export const HELD_COUNTED_MS = 60_000;

/** A flow key as the API, the CLI and the library show it. */
export interface FlowKeyInfo {
  flow_key: string;
  rate_limit: RateLimit | null;
  max_concurrency: number | null;
  paused: boolean;
  /** Requests to it in flight now, across every worker. */
  in_flight: number;
  /** Executions held by the gate in the last minute. */
  held: number;
}

/** A destination (an origin) as the API, the CLI and the library show it; times ISO 8601 UTC. */
export interface DestinationInfo {
  origin: string;
  circuit: 'closed' | 'open' | 'half_open';
  /** While open or half-open: when the cool-down ends (the probe goes). */
  open_until?: string;
  consecutive_failures: number;
  /** While the destination's own headers hold it: until when, and why. */
  held_until?: string;
  hold_reason?: string;
  /** Requests per second learned from 429s without headers. */
  learned_rate?: number;
  rate_limit: RateLimit | null;
  max_concurrency: number | null;
  paused: boolean;
  in_flight: number;
  held: number;
  last_error?: string;
  last_success_at?: string;
}

/** The limits and live counts of a destination's or flow key's state, read in one round trip. */
interface SubjectState {
  fields: Record<string, string>;
  leases: number;
  held: number;
}

/** Reads the state hash, the live leases and the recent holds of one subject, at once. */
async function readState(
  redis: RedisClient,
  prefix: string,
  subject: GateSubject,
  name: string,
  now: number,
): Promise<SubjectState> {
  const keys = subjectKeys(prefix, subject, name);
  const answers = await redis
    .multi()
    .hgetall(keys.state)
    .zcount(keys.leases, `(${now}`, '+inf')
    .zcount(keys.held, now - HELD_COUNTED_MS, '+inf')
    .exec();
  const [fields, leases, held] = (answers ?? []).map(([error, value]) => {
    if (error) throw error;
    return value;
  });
  return {
    fields: (fields ?? {}) as Record<string, string>,
    leases: Number(leases),
    held: Number(held),
  };
}

/** Live leases plus every worker's own live count (`inflight:<worker>` = `<count>:<expires at>`). */
function inFlightOf({ fields, leases }: SubjectState, now: number): number {
  let total = leases;
  for (const [field, value] of Object.entries(fields)) {
    if (!field.startsWith(F.inflightPrefix)) continue;
    const [count, expiresAt] = value.split(':').map(Number);
    if (expiresAt !== undefined && expiresAt > now && Number.isFinite(count)) total += count!;
  }
  return total;
}

function limitsOf(fields: Record<string, string>) {
  const max = Number(fields[F.rateMax]);
  const perMs = Number(fields[F.ratePerMs]);
  const concurrency = Number(fields[F.maxConcurrency]);
  return {
    rate_limit: max > 0 && perMs > 0 ? { max, per_seconds: perMs / 1000 } : null,
    max_concurrency: concurrency > 0 ? concurrency : null,
    paused: fields[F.paused] === '1',
  };
}

/** An epoch-ms field as ISO 8601, or undefined when absent or not a time. */
function isoOf(value: string | undefined): string | undefined {
  const ms = Number(value);
  return value === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString();
}

/** One destination as it is now; defaults for one Redis knows nothing of. */
export async function readDestination(
  redis: RedisClient,
  prefix: string,
  origin: string,
  now = Date.now(),
): Promise<DestinationInfo> {
  const state = await readState(redis, prefix, 'dest', origin, now);
  const { fields } = state;
  const circuit = fields[F.circuit] === 'open' || fields[F.circuit] === 'half_open';
  const heldUntil = Number(fields[F.heldUntil]);
  const held = heldUntil > now;
  const learned = Number(fields[F.learnedRate]);
  // Optional fields are left out rather than null, so that a listing stays short.
  const info: DestinationInfo = {
    origin,
    circuit: circuit ? (fields[F.circuit] as 'open' | 'half_open') : 'closed',
    ...(circuit && fields[F.openUntil] ? { open_until: isoOf(fields[F.openUntil])! } : {}),
    consecutive_failures: Number(fields[F.failures]) || 0,
    ...(held ? { held_until: new Date(heldUntil).toISOString() } : {}),
    ...(held && fields[F.holdReason] ? { hold_reason: fields[F.holdReason] } : {}),
    ...(learned > 0 ? { learned_rate: learned } : {}),
    ...limitsOf(fields),
    in_flight: inFlightOf(state, now),
    held: state.held,
    ...(fields[F.lastError] ? { last_error: fields[F.lastError] } : {}),
    ...(fields[F.lastSuccessAt] ? { last_success_at: isoOf(fields[F.lastSuccessAt])! } : {}),
  };
  return info;
}

/** One flow key as it is now; defaults for one Redis knows nothing of. */
export async function readFlowKey(
  redis: RedisClient,
  prefix: string,
  flowKey: string,
  now = Date.now(),
): Promise<FlowKeyInfo> {
  const state = await readState(redis, prefix, 'flow', flowKey, now);
  return {
    flow_key: flowKey,
    ...limitsOf(state.fields),
    in_flight: inFlightOf(state, now),
    held: state.held,
  };
}

/** A listed name with when it was last seen (0: never, only limited). */
export interface ListedName {
  name: string;
  seenAt: number;
}

/**
 * The names a listing shows: those seen in the last 24 hours (the index,
 * most recent first) and then every one an operator set something on.
 */
export async function listedNames(
  redis: RedisClient,
  prefix: string,
  subject: GateSubject,
  now = Date.now(),
): Promise<ListedName[]> {
  const { seen: seenKey, limited: limitedKey } = subjectIndexKeys(prefix, subject);
  const [seen, limited] = await Promise.all([
    redis.zrevrangebyscore(seenKey, '+inf', now - DESTINATION_LISTED_MS, 'WITHSCORES'),
    redis.smembers(limitedKey),
  ]);
  const names = new Map<string, number>();
  for (let i = 0; i + 1 < seen.length; i += 2) names.set(seen[i]!, Number(seen[i + 1]));
  for (const name of limited.sort()) if (!names.has(name)) names.set(name, 0);
  return [...names].map(([name, seenAt]) => ({ name, seenAt }));
}

/** Whether a destination or flow key is listed: seen in the last 24 hours or set by an operator. */
export async function isKnown(
  redis: RedisClient,
  prefix: string,
  subject: GateSubject,
  name: string,
  now = Date.now(),
): Promise<boolean> {
  const { seen: seenKey, limited: limitedKey } = subjectIndexKeys(prefix, subject);
  const [seenAt, limited] = await Promise.all([
    redis.zscore(seenKey, name),
    redis.sismember(limitedKey, name),
  ]);
  return (seenAt !== null && Number(seenAt) >= now - DESTINATION_LISTED_MS) || limited === 1;
}

/** Every listed destination as it is now. */
export async function listDestinations(
  redis: RedisClient,
  prefix: string,
  now = Date.now(),
): Promise<DestinationInfo[]> {
  const names = await listedNames(redis, prefix, 'dest', now);
  return Promise.all(names.map(({ name }) => readDestination(redis, prefix, name, now)));
}

/** Every listed flow key as it is now. */
export async function listFlowKeys(
  redis: RedisClient,
  prefix: string,
  now = Date.now(),
): Promise<FlowKeyInfo[]> {
  const names = await listedNames(redis, prefix, 'flow', now);
  return Promise.all(names.map(({ name }) => readFlowKey(redis, prefix, name, now)));
}
