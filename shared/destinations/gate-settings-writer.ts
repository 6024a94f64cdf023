import type { RedisClient } from '../redis-connection.js';
import type { DestinationSettings, FlowKeySettings } from './destination-settings.js';
import {
  changeMessage,
  DEST_FIELDS as F,
  DESTINATION_LISTED_MS,
  gateIndexKeys,
  subjectIndexKeys,
  subjectKeys,
  type GateSubject,
} from './gate-keys.js';

/**
 * A change of a state hash: each field to a value, or null to remove it;
 * `release` when the change lets held executions go whatever the limits
 * were (a resume, a closed circuit, a reset).
 */
export interface GateChange {
  readonly fields: Readonly<Record<string, string | null>>;
  readonly release: boolean;
}

/** What closing the circuit by hand removes: the state the gate keeps while it is open. */
const CIRCUIT_FIELDS = [F.circuit, F.openUntil, F.probe, F.probeUntil, F.cooldownMs];

/** What a reset removes besides the limits and the circuit: the destination's own holds and the learned rate. */
const SAID_FIELDS = [
  F.heldUntil,
  F.holdReason,
  F.learnedRate,
  F.learnedAt,
  F.learnedCutAt,
  F.learnedStep,
  F.learnedFrom,
  F.learnedRejectedAt,
];

const LIMIT_FIELDS = [F.rateMax, F.ratePerMs, F.maxConcurrency, F.paused];

/** The change that settings make (fields left out stay). */
export function settingsChange(settings: DestinationSettings | FlowKeySettings): GateChange {
  const fields: Record<string, string | null> = {};
  const { rate_limit: rate, max_concurrency: concurrency, paused } = settings;
  if (rate === null) Object.assign(fields, { [F.rateMax]: null, [F.ratePerMs]: null });
  if (rate) {
    fields[F.rateMax] = String(rate.max);
    fields[F.ratePerMs] = String(Math.round(rate.per_seconds * 1000));
  }
  if (concurrency !== undefined) fields[F.maxConcurrency] = concurrency?.toString() ?? null;
  if (paused !== undefined) fields[F.paused] = paused ? '1' : null;
  const closing = 'circuit' in settings && settings.circuit === 'closed';
  if (closing) {
    for (const field of CIRCUIT_FIELDS) fields[field] = null;
    fields[F.failures] = '0';
  }
  return { fields, release: paused === false || closing };
}

/** The change back to the defaults: no limits, a closed circuit, no failures, holds or learned rate. */
export function resetChange(subject: GateSubject): GateChange {
  const removed =
    subject === 'dest'
      ? [...LIMIT_FIELDS, ...CIRCUIT_FIELDS, F.failures, ...SAID_FIELDS]
      : LIMIT_FIELDS;
  return { fields: Object.fromEntries(removed.map((field) => [field, null])), release: true };
}

/*
 * One script, so that the hash, the limited set, the wake-ups and the
 * message change together: a worker never reads limits half written, and
 * a release never misses an execution held between a read and a write.
 * A raised or removed limit releases too (compared with the old one here,
 * in the same step). Values '' remove a field (no limit value is empty).
 */
const APPLY_SCRIPT = `
local state, limited, wake = KEYS[1], KEYS[2], KEYS[3]
local name, channel, message, ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local release = ARGV[5] == '1'
local function num(field) return tonumber(redis.call('HGET', state, field)) end
local oldMax, oldPer, oldConcurrency = num('${F.rateMax}'), num('${F.ratePerMs}'), num('${F.maxConcurrency}')
for i = 6, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', state, ARGV[i])
  else redis.call('HSET', state, ARGV[i], ARGV[i + 1]) end
end
local newMax, newPer, newConcurrency = num('${F.rateMax}'), num('${F.ratePerMs}'), num('${F.maxConcurrency}')
if oldMax and oldPer then
  if not (newMax and newPer) or newMax * oldPer > oldMax * newPer or newMax > oldMax then release = true end
end
if oldConcurrency and (not newConcurrency or newConcurrency > oldConcurrency) then release = true end
if redis.call('HEXISTS', state, '${F.rateMax}') == 1 or redis.call('HEXISTS', state, '${F.maxConcurrency}') == 1
  or redis.call('HEXISTS', state, '${F.paused}') == 1 then
  redis.call('SADD', limited, name)
  redis.call('PERSIST', state)
else
  redis.call('SREM', limited, name)
  if redis.call('EXISTS', state) == 1 then redis.call('PEXPIRE', state, ttl) end
end
redis.call('PUBLISH', channel, message)
if not release then return {} end
local holders = redis.call('ZRANGE', wake, 0, -1)
redis.call('DEL', wake)
return holders
`;

/**
 * Applies `change` to a destination's or flow key's state at once: the
 * fields, its place in the limited set (and the hash kept while it has
 * limits, else expiring after 24 h), the message on the changes channel
 * (workers drop their cached view). Answers the held executions the change
 * releases, taken off the wake-up set: the caller promotes their jobs.
 */
export async function applyGateChange(
  redis: RedisClient,
  prefix: string,
  subject: GateSubject,
  name: string,
  change: GateChange,
): Promise<string[]> {
  const keys = subjectKeys(prefix, subject, name);
  const pairs = Object.entries(change.fields).flatMap(([field, value]) => [field, value ?? '']);
  const answer = await redis.eval(
    APPLY_SCRIPT,
    3,
    keys.state,
    subjectIndexKeys(prefix, subject).limited,
    keys.wake,
    name,
    gateIndexKeys(prefix).changes,
    changeMessage(subject, name),
    DESTINATION_LISTED_MS,
    change.release ? '1' : '0',
    ...pairs,
  );
  return answer as string[];
}
