import type { AlertSettings, Config } from '../shared/config.js';
import { listDestinations } from '../shared/destinations/destination-state.js';
import { oldestWaiting } from '../shared/oldest-waiting.js';
import { queueKeyBase } from '../shared/queue-keys.js';
import { queueRegistry } from '../shared/queue-registry.js';
import type { RedisClient } from '../shared/redis-connection.js';
import type { AlertCondition } from './alert-types.js';

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
    const waiting = await waitingTooLong(redis, base, settings, now);
    if (waiting) {
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
 * The oldest waiting execution of a queue when it has waited at least the
 * threshold; undefined otherwise, and while an operator paused the queue
 * (its executions wait because they were told to).
 */
async function waitingTooLong(
  redis: RedisClient,
  base: string,
  settings: AlertSettings,
  now: number,
): Promise<Record<string, unknown> | undefined> {
  if ((await redis.hget(`${base}:meta`, 'paused')) === '1') return undefined;
  const oldest = await oldestWaiting(redis, base);
  if (!oldest || now - oldest.since < settings.waitingMs) return undefined;
  return {
    execution_id: oldest.executionId,
    waiting_since: new Date(oldest.since).toISOString(),
    waiting_seconds: Math.max(0, now - oldest.since) / 1000,
  };
}
