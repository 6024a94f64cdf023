import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers/eventually.js';
import { useFaultScene } from '../../helpers/fault-scene.js';
import { waitForFinished, type WorkerProcess } from '../../helpers/worker-process.js';

/** Idle: Redis with AOF restarted while the workers wait for jobs. */
describe('Redis restarted while workers are idle', () => {
  const s = useFaultScene({}, { ownRedis: true });

  const readiness = async (worker: WorkerProcess) => (await worker.probe('/readyz')).status;

  it('the workers report unready while Redis is away, reconnect by themselves, and take new jobs', async () => {
    const workers = [await s.worker(), await s.worker()];
    // A job before the restart: persisted in the AOF, finished before and still there after.
    const { executionId: early } = await s.producer.enqueue({ url: `${s.target.url}/hit/early` });
    await waitForFinished(s.queue, 1);
    for (const worker of workers)
      await eventually(async () => (await readiness(worker)) === 200, 'ready at first');

    await s.redis.stop('SIGTERM');
    for (const worker of workers) {
      await eventually(async () => (await readiness(worker)) === 503, 'unready without Redis');
      expect((await worker.probe('/readyz')).body.reason).toMatch(/Redis/);
      expect(worker.child.exitCode).toBeNull();
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await s.redis.start();
    for (const worker of workers)
      await eventually(async () => (await readiness(worker)) === 200, 'ready again');

    expect(await s.producer.getExecution(early)).toMatchObject({ state: 'completed' });
    await s.producer.enqueueBulk(
      Array.from({ length: 20 }, (_, i) => ({ url: `${s.target.url}/hit/late-${i}` })),
    );
    const counts = await waitForFinished(s.queue, 21);
    expect(counts).toMatchObject({ completed: 21, failed: 0, active: 0, waiting: 0 });
    expect(s.target.arrivals.length).toBe(21);
    // Both came back: each is still listed by BullMQ as a worker of the queue.
    const names = (await s.queue.getWorkers()).map((w) => w.rawname);
    for (const worker of workers)
      expect(names).toContain(`${s.config.prefix}:${btoa(s.config.queueName)}:w:${worker.name}`);
  });
});
