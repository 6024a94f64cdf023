import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';

/**
 * Retrying stops as soon as the next wait would end past the deadline, well
 * before the deadline itself: the message says that, with the time that
 * really passed and the attempts made, instead of "deadline reached".
 */
describe('the message of an execution that gave up retrying', () => {
  let h: ApiHarness;
  let target: ScriptedTarget;

  beforeAll(async () => {
    target = await startScriptedTarget({ routes: { '/busy': 503 } });
    h = await startApiHarness();
  });
  afterAll(async () => {
    await h?.close();
    await target?.close();
  });

  it('deadline 3 s, the second wait 4 s: gave up about 1 s in, after 2 attempts, and says so', async () => {
    const { producer } = h.api;
    const { executionId } = await producer.enqueue({
      url: `${target.url}/busy`,
      retry_status_code: [503],
      // Retry 1 waits 1 s, retry 2 would wait 4 s: 1 + 4 > 3.
      retry_backoff: { initial: 1, multiplier: 4, maximum: 60, deadline: 3 },
    });
    const execution = await producer.waitForResult(executionId, { timeoutMs: 20_000 });
    expect(execution?.state).toBe('failed');
    const [first, second] = target.arrivalsOf({ path: '/busy' });
    expect(target.arrivalsOf({ path: '/busy' })).toHaveLength(2);
    const job = await h.queue.getJob(String(executionId));
    const message = execution?.output?.message ?? '';

    expect(message).not.toMatch(/reached/);
    const said =
      /^gave up retrying after 2 attempts in (\d+\.\d) s: retry 2 would start (\d+\.\d) s after the first attempt, past retry_backoff\.deadline \(3 s\); last HTTP 503 Service Unavailable$/.exec(
        message,
      );
    expect(said, message).not.toBeNull();
    const elapsed = Number(said![1]) * 1000;
    const wouldStart = Number(said![2]) * 1000;
    // What passed: at least from the first arrival to the second, at most to the job's end.
    expect(elapsed).toBeGreaterThanOrEqual(second!.wallClockAt - first!.wallClockAt - 50);
    expect(elapsed).toBeLessThanOrEqual(job!.finishedOn! - first!.wallClockAt + 100);
    expect(elapsed).toBeLessThan(3000);
    // The wait it did not sleep: 4 s more.
    expect(wouldStart - elapsed).toBeGreaterThanOrEqual(3900);
    expect(wouldStart - elapsed).toBeLessThanOrEqual(4100);
    // The job ended then, not at the deadline.
    expect(job!.finishedOn! - first!.wallClockAt).toBeLessThan(3000);
  });
});
