import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../shared/config.js';
import { TaskProducer } from '../../../producer/task-producer.js';
import { startCountingTarget, type CountingTarget } from '../../helpers/counting-target.js';
import { countFinishes, type FinishCounter } from '../../helpers/finish-counter.js';
import { deleteTestKeys, testConfig } from '../../helpers/test-config.js';
import {
  eventually,
  startWorkerProcess,
  waitForFinished,
  type WorkerProcess,
} from '../../helpers/worker-process.js';

/** Quick stall detection: a dead worker's jobs come back within about 3 s. */
const STALL_ENV = { TASKREST_STALLED_INTERVAL_SECONDS: '1', TASKREST_LOCK_DURATION_SECONDS: '2' };

/** RELIABILITY 1: a worker killed with SIGKILL in the middle of a request. */
describe('kill -9 of a worker mid-request', () => {
  let target: CountingTarget;
  let config: Config;
  let producer: TaskProducer;
  let finishes: FinishCounter;
  const workers: WorkerProcess[] = [];

  beforeEach(async () => {
    target = await startCountingTarget();
    config = testConfig();
    producer = new TaskProducer({ config });
    finishes = await countFinishes(config);
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop('SIGKILL')));
    await finishes.close();
    await producer.close();
    await target.close();
    await deleteTestKeys(config);
  });

  async function worker(): Promise<WorkerProcess> {
    const started = await startWorkerProcess(config, STALL_ENV);
    workers.push(started);
    return started;
  }

  it('another worker picks the jobs up after the stall interval and finishes each exactly once', async () => {
    const first = await worker();
    const ids = (
      await producer.enqueueBulk(
        Array.from({ length: 5 }, (_, i) => ({ url: `${target.url}/hold/${i}` })),
      )
    ).map((e) => String(e.executionId));
    await target.waitForRequests(5);
    expect(await first.stop('SIGKILL')).toBeNull();

    const second = await worker();
    const counts = await waitForFinished(producer.queue, 5);
    expect(counts).toMatchObject({ completed: 5, failed: 0, active: 0, waiting: 0 });
    await eventually(() => finishes.finishes.size === 5, 'five finish events');
    expect(finishes.finishedTwice()).toEqual([]);
    for (const id of ids) {
      const execution = await producer.getExecution(id);
      expect(execution).toMatchObject({ state: 'completed', output: { status: 'success' } });
      expect((await producer.queue.getJob(id))?.processedBy).toBe(second.name);
    }
    // At least once: each request was sent twice, once by each worker.
    expect([...target.counts.values()]).toEqual([2, 2, 2, 2, 2]);
  });

  it('a job that keeps killing workers ends failed with a reason, never stuck in active', async () => {
    const { executionId } = await producer.enqueue({ url: `${target.url}/hold-always/poison` });
    // Each worker that takes the job dies in its request; TASKREST_MAX_STALLED_COUNT is 1.
    for (let death = 1; death <= 2; death += 1) {
      const victim = await worker();
      await target.waitForRequests(death);
      expect(await victim.stop('SIGKILL')).toBeNull();
    }
    const survivor = await worker();
    await eventually(
      async () => (await producer.queue.getJobState(String(executionId))) === 'failed',
      'the poison job failed',
    );
    const execution = await producer.getExecution(executionId);
    expect(execution?.output).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/stalled/),
    });
    expect(finishes.finishes.get(String(executionId))).toBe(1);
    expect(target.total()).toBe(2);
    expect(await producer.queue.getActiveCount()).toBe(0);
    // The worker that failed it is still consuming.
    expect((await survivor.probe('/readyz')).status).toBe(200);
  });
});
