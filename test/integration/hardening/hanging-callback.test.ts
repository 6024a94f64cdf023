import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../helpers/eventually.js';
import { useFaultScene } from '../../helpers/fault-scene.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';

/*
 * A callback receiver that accepts the connection and never answers: the
 * callback's attempt ends at the callback timeouts (small here, so that the
 * test is quick), frees its worker slot, and is sent again later with the
 * same webhook-id. Real worker processes, a real receiver on loopback.
 */

/** Small callback timeouts and a short inline wait: the second retry wait parks the callback. */
const QUICK_CALLBACKS = {
  TASKREST_CALLBACK_CONNECT_TIMEOUT_SECONDS: '1',
  TASKREST_CALLBACK_READ_TIMEOUT_SECONDS: '1',
  TASKREST_CALLBACK_TIMEOUT_SECONDS: '2',
  TASKREST_INLINE_RETRY_SECONDS: '1',
};

const receivers: ScriptedTarget[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
/** A receiver that holds every request open, closed after the test. */
async function silentReceiver(): Promise<ScriptedTarget> {
  const started = await startScriptedTarget({ reply: 'hold' });
  receivers.push(started);
  return started;
}

describe('a callback to a receiver that never answers', () => {
  const s = useFaultScene();

  it('frees its slot: on a queue with max_concurrency 1 the next task runs, and the callback is sent again with the same webhook-id', async () => {
    await s.producer.queues.set(s.config.queueName, { max_concurrency: 1 });
    const hook = await silentReceiver();
    await s.worker(QUICK_CALLBACKS);
    const { executionId } = await s.producer.enqueue(
      { url: `${s.target.url}/hit/first` },
      { callback: `${hook.url}/hook` },
    );
    // The callback is in flight, and its receiver says nothing.
    await hook.waitFor(1);
    await s.producer.enqueue({ url: `${s.target.url}/hit/next` });
    // Before the fix the callback held the queue's only slot for good: this never came.
    await s.target.waitFor(1, { path: '/hit/next' });
    const [first, second] = await hook.waitFor(2);
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(second!.body).toBe(first!.body);
    // Its log (written while it runs) says why the attempt ended.
    await eventually(async () => {
      const { logs } = await s.queue.getJobLogs(`callback!${executionId}`);
      return logs.some((line) => /read timeout: no response from [\d.:]+ within 1 s/.test(line));
    }, 'a read timeout in the callback log');
  });

  it('does not hold a stopping worker for its whole grace period', async () => {
    const hook = await silentReceiver();
    const worker = await s.worker({ ...QUICK_CALLBACKS, TASKREST_SHUTDOWN_GRACE_SECONDS: '60' });
    const { executionId } = await s.producer.enqueue(
      { url: `${s.target.url}/hit/stopping` },
      { callback: `${hook.url}/hook` },
    );
    await hook.waitFor(1);
    const stopping = performance.now();
    // Before the fix the worker waited the whole grace (60 s) for the request, then handed it back.
    const code = await worker.stop('SIGTERM', 30_000);
    expect(code).toBe(0);
    expect(performance.now() - stopping).toBeLessThan(30_000);
    // The callback is not lost: it waits (parked or handed back) for the next worker.
    const state = await s.queue.getJobState(`callback!${executionId}`);
    expect(['delayed', 'waiting', 'prioritized']).toContain(state);
  }, 60_000);
});
