import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackIdOf } from '../../../shared/callback.js';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';
import { eventually } from '../../helpers/eventually.js';
import { jsonCall } from '../../helpers/json-call.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';

/**
 * Deleting (or cancelling) a callback removes the callback only: the
 * execution it reports on stays, and runs or has run as if it had been
 * enqueued without one. BullMQ removes a parent job with its children, and
 * a callback is the parent of its execution, so this used to remove the
 * execution too, pending, running or finished.
 */
describe('deleting a callback execution leaves the execution it reports on', () => {
  let h: ApiHarness;
  let target: ScriptedTarget;
  let hook: ScriptedTarget;

  beforeAll(async () => {
    target = await startScriptedTarget({ routes: { '/held': 'hold' } });
    hook = await startScriptedTarget();
    h = await startApiHarness();
  });
  afterAll(async () => {
    target?.release();
    await h?.close();
    await Promise.all([target?.close(), hook?.close()]);
  });

  const call = (method: string, path: string) => jsonCall(h.url, method, path);
  const producer = () => h.api.producer;

  /** Enqueues a task on `path` with a callback; returns the execution's id and its callback's. */
  async function withCallback(path: string, delay?: number) {
    const { executionId } = await producer().enqueue(
      { url: `${target.url}${path}` },
      { callback: `${hook.url}/hook`, ...(delay === undefined ? {} : { delay }) },
    );
    const id = String(executionId);
    expect((await producer().getExecution(id))?.callback_execution_id).toBe(callbackIdOf(id));
    return { id, callbackId: callbackIdOf(id) };
  }

  /** Runs a delayed execution now. */
  async function promote(id: string): Promise<void> {
    await (await h.queue.getJob(id))!.promote();
  }

  /**
   * The execution completed (it reached the target), names no callback, and
   * its callback is gone: BullMQ releases a callback in the script that
   * finishes its execution, so one still kept would show now.
   */
  async function completedWithoutCallback(id: string, callbackId: string): Promise<void> {
    const done = await eventually(async () => {
      const e = await producer().getExecution(id);
      return e?.state === 'completed' && e;
    }, `execution ${id} completed`);
    expect(done.callback_execution_id).toBeUndefined();
    expect(await producer().getExecution(callbackId)).toBeNull();
    expect(hook.arrivalsOf({ where: (a) => a.body.includes(`"execution_id":"${id}"`) })).toEqual(
      [],
    );
  }

  it('DELETE of the callback of a pending execution: 204; the execution stays and runs', async () => {
    const { id, callbackId } = await withCallback('/pending', 3_600_000);
    expect((await call('DELETE', `/api/tasks/${callbackId}`)).status).toBe(204);
    expect((await call('GET', `/api/tasks/${callbackId}`)).status).toBe(404);
    const kept = await call('GET', `/api/tasks/${id}`);
    expect(kept.status).toBe(200);
    expect(kept.body.state).toBe('delayed');
    expect(kept.body.callback_execution_id).toBeUndefined();
    await promote(id);
    await target.waitFor(1, { path: '/pending' });
    await completedWithoutCallback(id, callbackId);
  });

  it('DELETE of the callback of a running execution: 204 at once; the execution runs on and completes', async () => {
    const { id, callbackId } = await withCallback('/held');
    await target.waitFor(1, { path: '/held' });
    expect((await producer().getExecution(id))?.state).toBe('active');
    const answer = await call('DELETE', `/api/queues/${h.config.queueName}/tasks/${callbackId}`);
    expect(answer.status).toBe(204);
    expect((await producer().getExecution(id))?.state).toBe('active');
    target.release();
    await completedWithoutCallback(id, callbackId);
  });

  it('the library’s remove of a delivered callback: the finished execution stays, its output with it', async () => {
    const { id, callbackId } = await withCallback('/finished');
    await hook.waitFor(1, { where: (a) => a.body.includes(`"execution_id":"${id}"`) });
    await eventually(
      async () => (await producer().getExecution(callbackId))?.state === 'completed',
      `callback ${callbackId} completed`,
    );
    expect(await producer().remove(callbackId)).toBe('removed');
    expect(await producer().getExecution(callbackId)).toBeNull();
    const kept = await producer().getExecution(id);
    expect(kept).toMatchObject({ state: 'completed', output: { status_code: 200 } });
    expect(kept?.callback_execution_id).toBeUndefined();
  });

  it('the library’s cancel of the callback of a pending execution: removed; the execution stays and runs', async () => {
    const { id, callbackId } = await withCallback('/cancelled', 3_600_000);
    expect(await producer().cancel(callbackId)).toMatchObject({ state: 'removed' });
    expect((await producer().getExecution(id))?.state).toBe('delayed');
    await promote(id);
    await target.waitFor(1, { path: '/cancelled' });
    await completedWithoutCallback(id, callbackId);
  });
});
