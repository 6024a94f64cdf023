import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../shared/config.js';
import { holderOf } from '../../../shared/destinations/gate-keys.js';
import { wakeHeld } from '../../../shared/destinations/wake-held.js';
import { bullPrefixOf } from '../../../shared/queue-keys.js';
import { deleteTestKeys, testConfig } from '../../helpers/test-config.js';
import { TestQueue } from '../../helpers/test-queue.js';

/** wakeHeld: promotes held executions' delayed jobs, and waits a little for one about to be parked. */
describe('wakeHeld', () => {
  let config: Config;
  let queue: TestQueue;
  let worker: Worker;

  beforeAll(() => {
    config = testConfig();
    queue = new TestQueue(config);
    // Manual fetching: the test takes the job and parks it itself, as a worker does when held.
    worker = new Worker(config.queueName, null, {
      connection: { url: config.redisUrl },
      prefix: bullPrefixOf({ prefix: config.prefix, queueName: config.queueName }),
      autorun: false,
    });
  });
  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    await deleteTestKeys(config);
  });

  it('promotes a job that is parked as delayed just after the wake-up', async () => {
    await queue.add('task', {}, { jobId: 'parking' });
    const job = await worker.getNextJob('token-1');
    expect(job?.id).toBe('parking');
    const parked = sleep(50).then(() => job.moveToDelayed(Date.now() + 3_600_000, 'token-1'));
    await wakeHeld(() => queue, [holderOf(config.queueName, 'parking')]);
    await parked;
    expect(await queue.getJobState('parking')).toBe('waiting');
  });

  it('leaves an unknown job, a waiting one and a holder that is none alone, and never throws', async () => {
    await queue.add('task', {}, { jobId: 'running-on' });
    await wakeHeld(
      () => queue,
      [holderOf(config.queueName, 'nowhere'), holderOf(config.queueName, 'running-on'), 'junk'],
    );
    expect(await queue.getJobState('running-on')).toBe('waiting');
    await expect(
      wakeHeld(() => {
        throw new Error('no such queue');
      }, [holderOf('other', '1')]),
    ).resolves.toBeUndefined();
  });
});
