import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';
import { eventually } from '../../helpers/eventually.js';
import { jsonCall } from '../../helpers/json-call.js';
import { runCli } from '../../helpers/run-cli.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';
import { envOf } from '../../helpers/test-config.js';

/** A schedule as the API and the CLI answer it (the fields looked at here). */
interface Shown {
  next_run_at: string | null;
  executions?: { execution_id: string; state: string; run_at: string }[];
}

const HOUR = 3600;

/**
 * The answer to setting an interval schedule names the run that is really
 * next: BullMQ makes the first run of an interval at once (without
 * `start_at`), so that is the one due, not one interval later; and it is
 * the job BullMQ made, whose due time the test reads from the job itself.
 * A worker is running, idle, so the first run is taken at once (the case
 * where the answer used to name the run after it, or none).
 */
describe('next_run_at in the answer to schedules set --every / PUT every_seconds', () => {
  let h: ApiHarness;
  let target: ScriptedTarget;

  beforeAll(async () => {
    target = await startScriptedTarget();
    h = await startApiHarness();
  });
  afterAll(async () => {
    await h?.close();
    await target?.close();
  });

  /**
   * Checks the answer `shown` to setting schedule `id` against the run
   * BullMQ made: the first one, at once. Removes the schedule.
   */
  async function expectFirstRunNamed(id: string, shown: Shown, setAt: number): Promise<void> {
    const [arrival] = await target.waitFor(1, { path: `/${id}` });
    const { producer } = h.api;
    const seen = await eventually(async () => {
      const one = await producer.schedules.get(id);
      return one.executions?.find((e) => e.state === 'completed') && one;
    }, `the first run of ${id} completed`);
    const first = seen.executions!.find((e) => e.state === 'completed')!;
    const job = await h.queue.getJob(first.execution_id);
    expect(job, first.execution_id).toBeDefined();
    // The run BullMQ made: due at once, when the schedule was set.
    const due = job!.timestamp + (job!.opts.delay ?? 0);
    expect(due).toBeGreaterThanOrEqual(setAt - 5);
    expect(due).toBeLessThanOrEqual(arrival!.wallClockAt);
    expect(shown.next_run_at, id).toBe(new Date(due).toISOString());
    expect(shown.next_run_at).toBe(first.run_at);
    // Once it ran, the schedule names the one after it, an interval later.
    expect(seen.next_run_at).toBe(new Date(Date.parse(first.run_at) + HOUR * 1000).toISOString());
    await producer.schedules.remove(id);
  }

  it('PUT /api/schedules/:id with every_seconds, each of several times', async () => {
    for (let round = 0; round < 5; round++) {
      const id = `put-${round}`;
      const setAt = Date.now();
      const put = await jsonCall(h.url, 'PUT', `/api/schedules/${id}`, {
        task: { url: `${target.url}/${id}` },
        every_seconds: HOUR,
      });
      expect(put.status).toBe(200);
      await expectFirstRunNamed(id, put.body as Shown, setAt);
    }
  });

  it('taskrest schedules set --every', async () => {
    for (let round = 0; round < 2; round++) {
      const id = `cli-${round}`;
      const setAt = Date.now();
      const set = await runCli(
        [
          'schedules',
          'set',
          id,
          '--every',
          String(HOUR),
          '--json',
          JSON.stringify({ url: `${target.url}/${id}` }),
        ],
        envOf(h.config),
      );
      expect(set.stderr).toBe('');
      expect(set.code).toBe(0);
      await expectFirstRunNamed(id, JSON.parse(set.stdout) as Shown, setAt);
    }
  });
});
