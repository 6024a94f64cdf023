import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { holderOf } from '../../../shared/destinations/gate-keys.js';
import { wakeHeld } from '../../../shared/destinations/wake-held.js';
import { TEST_REDIS_URL } from '../../helpers/test-config.js';

/** wakeHeld against a real BullMQ queue: a held execution is a delayed job. */
describe('wakeHeld', () => {
  let connection: Redis;
  let queue: Queue;
  let prefix: string;

  beforeEach(() => {
    prefix = `{test-${randomUUID()}}`;
    connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue('held', { connection, prefix });
  });
  afterEach(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  });

  it('promotes the delayed jobs of the holders, and leaves others be', async () => {
    const held = await queue.add('task', {}, { jobId: 'e1', delay: 60_000 });
    const other = await queue.add('task', {}, { jobId: 'e2', delay: 60_000 });
    await wakeHeld(() => queue, [holderOf('held', 'e1'), holderOf('held', 'gone'), 'not a holder']);
    expect(await held.getState()).toBe('waiting');
    expect(await other.getState()).toBe('delayed');
  });

  it('tries again a job that becomes delayed a moment later', async () => {
    await queue.add('task', {}, { jobId: 'e3' });
    const worker = new Worker('held', null, { connection, prefix, autorun: false });
    try {
      // Active, as an execution is while its gate says "not now", then parked as delayed.
      const job = await worker.getNextJob('token');
      if (job === undefined) throw new Error('no job');
      const waking = wakeHeld(() => queue, [holderOf('held', 'e3')]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await job.moveToDelayed(Date.now() + 60_000, 'token');
      await waking;
      expect(await job.getState()).toBe('waiting');
    } finally {
      await worker.close();
    }
  });

  it('never throws, even when the queue cannot be had', async () => {
    await expect(
      wakeHeld(() => {
        throw new Error('no such queue');
      }, [holderOf('held', 'e4')]),
    ).resolves.toBeUndefined();
  });
});
