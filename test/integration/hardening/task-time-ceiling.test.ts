import { afterEach, describe, expect, it } from 'vitest';
import type { Execution } from '../../../producer/index.js';
import { useFaultScene, type FaultScene } from '../../helpers/fault-scene.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';

/*
 * TASKREST_MAX_TASK_SECONDS: no execution holds a worker slot without end,
 * whatever its task says (no timeouts at all, timeouts above the ceiling,
 * retry waits slept in the worker). Small ceilings, so that the tests are
 * quick; real worker processes and real peers on loopback.
 */

const targets: ScriptedTarget[] = [];
afterEach(async () => {
  await Promise.all(targets.splice(0).map((t) => t.close()));
});

/** Waits (with room for a loaded machine) until the execution ended; returns it. */
async function ended(s: FaultScene, executionId: number | string): Promise<Execution> {
  const execution = await s.producer.waitForResult(executionId, { timeoutMs: 25_000 });
  expect(['completed', 'failed'], `execution ${executionId} ended`).toContain(execution?.state);
  return execution!;
}

describe('TASKREST_MAX_TASK_SECONDS', () => {
  const s = useFaultScene();

  it('ends a task without timeouts whose peer never answers, and the slot runs the next task', async () => {
    await s.producer.queues.set(s.config.queueName, { max_concurrency: 1 });
    await s.worker({ TASKREST_MAX_TASK_SECONDS: '2' });
    const { executionId } = await s.producer.enqueue({ url: `${s.target.url}/hold-always/a` });
    await s.target.waitFor(1, { prefix: '/hold-always/' });
    const next = await s.producer.enqueue({ url: `${s.target.url}/hit/next` });
    const hung = await ended(s, executionId);
    expect(hung.state).toBe('failed');
    expect(hung.output?.message).toBe(
      'task time limit: still running after 2 s in the worker (TASKREST_MAX_TASK_SECONDS)',
    );
    expect((await ended(s, next.executionId)).state).toBe('completed');
  }, 60_000);

  it('counts the retry waits slept in the worker too', async () => {
    const unavailable = await startScriptedTarget({ reply: 503 });
    targets.push(unavailable);
    await s.worker({ TASKREST_MAX_TASK_SECONDS: '3' });
    // Every wait is 1 s, slept in the worker: before the fix this held the slot for an hour.
    const { executionId } = await s.producer.enqueue({
      url: `${unavailable.url}/busy`,
      retry_backoff: { initial: 1, maximum: 1, deadline: 3600 },
    });
    const execution = await ended(s, executionId);
    expect(execution.state).toBe('failed');
    expect(execution.output?.message).toMatch(/^task time limit: still running after 3 s/);
    expect(execution.output?.log.join('\n')).toMatch(/retry 1 in 1\.0 s after HTTP 503/);
    expect(unavailable.arrivals.length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('wins over a total_timeout above it, and the log says so', async () => {
    await s.worker({ TASKREST_MAX_TASK_SECONDS: '2' });
    const { executionId } = await s.producer.enqueue({
      url: `${s.target.url}/hold-always/long`,
      total_timeout: 120,
    });
    const execution = await ended(s, executionId);
    expect(execution.output?.message).toMatch(/^task time limit: still running after 2 s/);
    expect(execution.output?.log).toContainEqual(
      expect.stringMatching(
        /total_timeout 120 s is above TASKREST_MAX_TASK_SECONDS \(2 s\): the execution stops at 2 s$/,
      ),
    );
  }, 60_000);

  it('keeps a task timeout below it', async () => {
    await s.worker({ TASKREST_MAX_TASK_SECONDS: '60' });
    // A POST is not sent again after a total timeout: the execution ends with it.
    const { executionId } = await s.producer.enqueue({
      url: `${s.target.url}/hold-always/short`,
      method: 'POST',
      total_timeout: 1,
    });
    const execution = await ended(s, executionId);
    expect(execution.output?.message).toMatch(
      /^total timeout: no complete response from .* within 1 s$/,
    );
    expect(execution.output?.log.join('\n')).not.toMatch(/TASKREST_MAX_TASK_SECONDS/);
  });
});
