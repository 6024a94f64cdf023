import { callbackIdOf, isCallbackId } from '../shared/callback.js';
import type { AlertSettings, Config } from '../shared/config.js';
import { listDestinations } from '../shared/destinations/destination-state.js';
import { queueKeyBase } from '../shared/queue-keys.js';
import { queueRegistry } from '../shared/queue-registry.js';
import type { RedisClient } from '../shared/redis-connection.js';
import type { AlertCondition } from './alert-types.js';

/** What `callbackIdOf` puts before the execution's id. */
const CALLBACK_PREFIX = callbackIdOf('');

/** How many of a queue's prioritized jobs (those next in line) are looked at for the oldest. */
const PRIORITIZED_LOOKED_AT = 100;

/**
 * Every alert condition that holds now: destinations whose circuit is open
 * or half-open, queues whose failure rate over the window passes the
 * threshold, queues whose oldest waiting execution waits too long.
 */
export async function findConditions(
  redis: RedisClient,
  config: Pick<Config, 'prefix' | 'queueName'>,
  settings: AlertSettings,
  now = Date.now(),
): Promise<AlertCondition[]> {
  const queues = new Set([config.queueName, ...(await queueRegistry.list(redis, config.prefix))]);
  const destinations = await listDestinations(redis, config.prefix, now);
  const found: AlertCondition[] = destinations
    .filter((d) => d.circuit !== 'closed')
    .map((d) => ({
      kind: 'circuit_open',
      subject: d.origin,
      details: {
        circuit: d.circuit,
        consecutive_failures: d.consecutive_failures,
        ...(d.open_until ? { open_until: d.open_until } : {}),
        ...(d.last_error ? { last_error: d.last_error } : {}),
      },
    }));
  for (const queueName of [...queues].sort()) {
    const base = queueKeyBase({ prefix: config.prefix, queueName });
    const rate = await failureRate(redis, base, settings, now);
    if (rate) found.push({ kind: 'failure_rate', subject: queueName, details: rate });
    const waiting = await oldestWaiting(redis, base, now);
    if (waiting && Number(waiting.waiting_seconds) * 1000 >= settings.waitingMs) {
      found.push({ kind: 'oldest_waiting', subject: queueName, details: waiting });
    }
  }
  return found;
}

/**
 * The failure rate of the executions a queue finished in the window, from
 * BullMQ's finished sets (scored by when each job finished), when it passes
 * the threshold with enough executions; undefined otherwise. Executions
 * already removed by retention (TASKREST_KEEP_*) are not counted.
 */
async function failureRate(
  redis: RedisClient,
  base: string,
  settings: AlertSettings,
  now: number,
): Promise<Record<string, unknown> | undefined> {
  const since = now - settings.windowMs;
  const [completed, failed] = await Promise.all([
    redis.zcount(`${base}:completed`, since, '+inf'),
    redis.zcount(`${base}:failed`, since, '+inf'),
  ]);
  const total = completed + failed;
  if (total < settings.minExecutions || failed / total <= settings.failureRate) return undefined;
  return {
    failed,
    completed,
    failure_rate: failed / total,
    window_seconds: settings.windowMs / 1000,
  };
}

/**
 * The execution that has waited longest in a queue: the tail of the wait
 * list (BullMQ pushes at the head, workers take from the tail) or one of
 * the prioritized jobs next in line. BullMQ keeps no time a job entered the
 * wait list, so it is bounded from below, never guessed early: from when
 * the job was added or last started (a parked or handed-back one), plus its
 * last delay; a callback from when its execution finished (it waits for
 * the execution before it waits in the list).
 */
async function oldestWaiting(
  redis: RedisClient,
  base: string,
  now: number,
): Promise<Record<string, unknown> | undefined> {
  const [paused, tail, prioritized] = await Promise.all([
    redis.hget(`${base}:meta`, 'paused'),
    redis.lindex(`${base}:wait`, -1),
    redis.zrange(`${base}:prioritized`, 0, PRIORITIZED_LOOKED_AT - 1),
  ]);
  // An operator paused the queue: its executions wait because they were told to.
  if (paused === '1') return undefined;
  const ids = [...(tail === null ? [] : [tail]), ...prioritized];
  let oldest: { id: string; since: number } | undefined;
  for (const id of ids) {
    const since = await waitingSince(redis, base, id);
    if (since !== undefined && (!oldest || since < oldest.since)) oldest = { id, since };
  }
  if (!oldest) return undefined;
  return {
    execution_id: oldest.id,
    waiting_since: new Date(oldest.since).toISOString(),
    waiting_seconds: Math.max(0, now - oldest.since) / 1000,
  };
}

/** The earliest a job can have entered the wait list (epoch ms), or undefined when it is gone. */
async function waitingSince(
  redis: RedisClient,
  base: string,
  id: string,
): Promise<number | undefined> {
  const [timestamp, processedOn, delay] = await redis.hmget(
    `${base}:${id}`,
    'timestamp',
    'processedOn',
    'delay',
  );
  if (timestamp === null) return undefined;
  let since = Math.max(Number(timestamp) || 0, Number(processedOn) || 0) + (Number(delay) || 0);
  if (isCallbackId(id)) {
    const finishedOn = await redis.hget(
      `${base}:${id.slice(CALLBACK_PREFIX.length)}`,
      'finishedOn',
    );
    since = Math.max(since, Number(finishedOn) || 0);
  }
  return since;
}
