import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';

/** A failed job as the dashboard's JSON API shows it. */
interface BoardJob {
  id: string;
  failedReason?: string;
  stacktrace?: string[];
}

/**
 * A cancel is not a crash: the dashboard shows a cancelled execution's
 * failure as `cancelled`, without the stack trace of the worker code that
 * ended it (which reads as if taskrest had failed).
 */
describe('the dashboard shows a cancelled execution as cancelled', () => {
  let h: ApiHarness;
  let target: ScriptedTarget;

  beforeAll(async () => {
    target = await startScriptedTarget({ routes: { '/held': 'hold' } });
    h = await startApiHarness();
  });
  afterAll(async () => {
    await h?.close();
    await target?.close();
  });

  const board = async (path: string): Promise<Record<string, unknown>> => {
    const response = await fetch(`${h.url}/dashboard/api/queues${path}`);
    expect(response.status, path).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };

  it('failedReason "cancelled" and no stack trace, in the job and in the failed list', async () => {
    const { producer } = h.api;
    const queue = h.config.queueName;
    const { executionId } = await producer.enqueue({ url: `${target.url}/held` });
    await target.waitFor(1, { path: '/held' });
    expect(await producer.cancel(executionId)).toMatchObject({ state: 'failed' });

    const { job } = (await board(`/${queue}/${executionId}`)) as { job: BoardJob };
    expect(job.failedReason).toBe('cancelled');
    expect(job.stacktrace ?? []).toEqual([]);

    const listed = (await board(`?activeQueue=${queue}&status=failed&page=1&jobsPerPage=50`)) as {
      queues: { name: string; jobs: BoardJob[] }[];
    };
    const shown = listed.queues
      .find((one) => one.name === queue)
      ?.jobs.find((one) => one.id === String(executionId));
    expect(shown?.failedReason).toBe('cancelled');
    expect(shown?.stacktrace ?? []).toEqual([]);
  });
});
