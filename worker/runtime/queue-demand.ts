import { queueKeyBase, type QueueRef } from '../../shared/queue-keys.js';
import type { RedisClient } from '../../shared/redis-connection.js';

/**
 * How many of a queue's waiting jobs its limits let start now: those waiting
 * (plain and prioritized), none while it is paused, and with a
 * `max_concurrency` no more than it leaves room for beside the jobs active
 * on every worker. One round trip of four reads, all in the queue's slot.
 * Delayed jobs and the rate limit are left out: BullMQ hands those out as
 * they come due, and a queue held back by them leaves its slots free, so it
 * does not ask for more.
 */
export async function startableJobs(connection: RedisClient, ref: QueueRef): Promise<number> {
  const base = queueKeyBase(ref);
  const answers = await connection
    .pipeline()
    .llen(`${base}:wait`)
    .zcard(`${base}:prioritized`)
    .llen(`${base}:active`)
    .hmget(`${base}:meta`, 'concurrency', 'paused')
    .exec();
  if (!answers) return 0;
  const failed = answers.find(([error]) => error !== null)?.[0];
  if (failed) throw failed;
  const [waiting, prioritized, active, meta] = answers.map(([, value]) => value) as [
    number,
    number,
    number,
    (string | null)[],
  ];
  const [concurrency, paused] = meta;
  if (paused) return 0;
  const queued = waiting + prioritized;
  if (!concurrency) return queued;
  return Math.min(queued, Math.max(0, Number(concurrency) - active));
}
