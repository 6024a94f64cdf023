import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers/eventually.js';
import { useFaultScene } from '../../helpers/fault-scene.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';

/** Quick stall detection: a dead worker's jobs come back within about 3 s. */
const STALL_ENV = {
  TASKREST_STALLED_INTERVAL_SECONDS: '1',
  TASKREST_LOCK_DURATION_SECONDS: '2',
  TASKREST_CALLBACK_SECRETS: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
};

/**
 * A worker killed with SIGKILL after an execution finished, before or while
 * its callback is sent: the hand-off to the callback happened in the script
 * that finished the execution, so a worker started afterwards delivers it.
 * At least once: a request the dead worker had sent is sent again, with the
 * same webhook-id and body.
 */
describe('kill -9 of a worker after the execution finished', () => {
  const s = useFaultScene(STALL_ENV);

  /**
   * Enqueues a task with a callback on a first worker, kills that worker
   * when `killWhen` says, starts a second one, and checks the callback was
   * delivered by it. While the first worker lives, callback requests are
   * held open (it dies with them). Returns how many requests the first sent.
   */
  async function killAndRecover(
    killWhen: (executionId: string, hook: ScriptedTarget) => Promise<unknown>,
  ): Promise<number> {
    let firstAlive = true;
    const hook = await startScriptedTarget({ reply: () => (firstAlive ? 'hold' : 200) });
    try {
      const first = await s.worker();
      const { executionId } = await s.producer.enqueue(
        { url: `${s.target.url}/hit/finished` },
        { callback: `${hook.url}/hook` },
      );
      await killWhen(String(executionId), hook);
      expect(await first.stop('SIGKILL')).toBeNull();
      firstAlive = false;
      const sentByFirst = hook.arrivals.length;

      const second = await s.worker();
      const callbackId = `callback!${executionId}`;
      const callback = await eventually(async () => {
        const execution = await s.producer.getExecution(callbackId);
        return execution?.state === 'completed' ? execution : null;
      }, 'the callback execution completed');
      expect(callback.output).toMatchObject({ status: 'success', status_code: 200 });
      expect((await s.queue.getJob(callbackId))?.processedBy).toBe(second.name);

      expect(hook.arrivals).toHaveLength(sentByFirst + 1);
      const ids = new Set(hook.arrivals.map((d) => d.headers['webhook-id']));
      expect([...ids]).toEqual([`${s.config.queueName}/${callbackId}`]);
      expect(new Set(hook.arrivals.map((d) => d.body)).size).toBe(1);
      expect(JSON.parse(hook.arrivals.at(-1)!.body)).toMatchObject({
        execution_id: executionId,
        state: 'completed',
      });
      // The task itself ran once: the death came after it finished.
      expect(s.target.counts.get('finished')).toBe(1);
      return sentByFirst;
    } finally {
      await hook.close();
    }
  }

  it('killed as soon as the execution is completed in Redis: the next worker delivers the callback', async () => {
    const sentByFirst = await killAndRecover((id) =>
      eventually(
        async () => (await s.queue.getJobState(id)) === 'completed',
        'the execution completed in Redis',
        { intervalMs: 5 },
      ),
    );
    // Before or while the first worker sent it: at most one request from it.
    expect(sentByFirst).toBeLessThanOrEqual(1);
  });

  it('killed while the callback request is in flight: sent again, same webhook-id (at least once)', async () => {
    const sentByFirst = await killAndRecover((_id, hook) => hook.waitFor(1));
    expect(sentByFirst).toBe(1);
  });
});
