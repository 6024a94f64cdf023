import { queueKeyBase, type QueueRef } from '../../shared/queue-keys.js';
import type { RedisClient } from '../../shared/redis-connection.js';
import { workerMetricsKey } from '../../shared/worker-metrics.js';

/**
 * BullMQ's keys of a queue that exist only while it holds jobs, has held
 * some (the event stream stays), or has a schedule: any of them says the
 * queue is alive, not left over.
 */
const LIVE_KEYS = [
  'wait',
  'paused',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
  'stalled',
  'repeat',
  'id',
  'events',
  'marker',
];

/**
 * Deletes KEYS[1] (the meta), KEYS[2] (the stalled check's mark) and KEYS[3]
 * (the counts) when none of KEYS[4…] exists and the meta holds nothing but
 * the one field BullMQ's stalled check writes: all a BullMQ Worker leaves of
 * a queue removed under it. In one script, so that a queue made again in
 * the meantime (a job, a setting) is never touched.
 */
const SWEEP_SCRIPT = `
for i = 4, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then return 0 end
end
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if field ~= 'opts.maxLenEvents' then return 0 end
end
return redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
`;

/**
 * Removes what this worker's BullMQ Worker may have written of a queue after
 * the queue was removed: BullMQ's stalled check, which runs as a Worker
 * starts and then every stalled interval, writes the queue's meta and its
 * own mark again, and a worker lets go of a removed queue only at its next
 * registry read. Called once that Worker is closed, so nothing of it writes
 * after. Resolves with how many keys went.
 */
export async function sweepRemovedQueue(connection: RedisClient, ref: QueueRef): Promise<number> {
  const base = queueKeyBase(ref);
  const keys = [
    `${base}:meta`,
    `${base}:stalled-check`,
    workerMetricsKey(ref),
    ...LIVE_KEYS.map((suffix) => `${base}:${suffix}`),
  ];
  return (await connection.eval(SWEEP_SCRIPT, keys.length, ...keys)) as number;
}
