import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers/eventually.js';
import { waitForFinished } from '../../helpers/worker-process.js';
import { useFaultScene } from '../../helpers/fault-scene.js';

/** Quick stall detection: a dead worker's jobs come back within about 3 s. */
const STALL_ENV = { TASKREST_STALLED_INTERVAL_SECONDS: '1', TASKREST_LOCK_DURATION_SECONDS: '2' };

/** A worker killed with SIGKILL in the middle of a request. */
describe('kill -9 of a worker mid-request', () => {
  const s = useFaultScene(STALL_ENV);

  it('another worker picks the jobs up after the stall interval and finishes each exactly once', async () => {
    const first = await s.worker();
    const ids = (
      await s.producer.enqueueBulk(
        Array.from({ length: 5 }, (_, i) => ({ url: `${s.target.url}/hold/${i}` })),
      )
    ).map((e) => String(e.executionId));
    await s.target.waitFor(5);
    expect(await first.stop('SIGKILL')).toBeNull();

    const second = await s.worker();
    const counts = await waitForFinished(s.queue, 5);
    expect(counts).toMatchObject({ completed: 5, failed: 0, active: 0, waiting: 0 });
    await eventually(() => s.finishes.finishes.size === 5, 'five finish events');
    expect(s.finishes.finishedTwice()).toEqual([]);
    for (const id of ids) {
      const execution = await s.producer.getExecution(id);
      expect(execution).toMatchObject({ state: 'completed', output: { status: 'success' } });
      expect((await s.queue.getJob(id))?.processedBy).toBe(second.name);
    }
    // At least once: each request was sent twice, once by each worker.
    expect([...s.target.counts.values()]).toEqual([2, 2, 2, 2, 2]);
  });

  it('a job that keeps killing workers ends failed with a reason, never stuck in active', async () => {
    const { executionId } = await s.producer.enqueue({ url: `${s.target.url}/hold-always/poison` });
    // Each worker that takes the job dies in its request; TASKREST_MAX_STALLED_COUNT is 1.
    for (let death = 1; death <= 2; death += 1) {
      const victim = await s.worker();
      await s.target.waitFor(death);
      expect(await victim.stop('SIGKILL')).toBeNull();
    }
    const survivor = await s.worker();
    await eventually(
      async () => (await s.queue.getJobState(String(executionId))) === 'failed',
      'the poison job failed',
    );
    const execution = await s.producer.getExecution(executionId);
    expect(execution?.output).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/stalled/),
    });
    expect(s.finishes.finishes.get(String(executionId))).toBe(1);
    expect(s.target.arrivals.length).toBe(2);
    expect(await s.queue.getActiveCount()).toBe(0);
    // The worker that failed it is still consuming.
    expect((await survivor.probe('/readyz')).status).toBe(200);
  });
});
