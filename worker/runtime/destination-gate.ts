import type { Queue } from 'bullmq';
import type { Config } from '../../shared/config.js';
import { wakeHeld } from '../../shared/destinations/wake-held.js';
import type { Logger } from '../../shared/logger.js';
import { createRedis, type RedisClient } from '../../shared/redis-connection.js';
import { RedisGate } from './gate/redis-gate.js';
import type { PerQueue } from './per-queue.js';

/**
 * The worker process's destinations' gate: on its Redis connection, with a
 * subscriber of its own for the changes channel, leases that live as long as
 * a job's lock, and held executions woken through each queue's Queue.
 */
export function startDestinationGate(
  config: Config,
  connection: RedisClient,
  workerId: string,
  queues: PerQueue<Queue>,
  logger: Logger,
): RedisGate {
  return new RedisGate({
    connection,
    subscriber: () => createRedis(config, 'worker'),
    prefix: config.prefix,
    workerId,
    circuitFailures: config.circuitFailures,
    circuitCooldownMs: config.circuitCooldownMs,
    maxHoldMs: config.maxHoldMs,
    // A lease expires with the job's lock: a killed worker's slot frees itself.
    leaseMs: config.lockDurationMs,
    onWake: (holders) => void wakeHeld((queueName) => queues.get(queueName), holders),
    logger,
  });
}
