import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, TaskrestError } from '../../../producer/index.js';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';
import { jsonCall } from '../../helpers/json-call.js';
import { runCli } from '../../helpers/run-cli.js';
import { envOf } from '../../helpers/test-config.js';

const task = { url: 'http://127.0.0.1:9/never' };

/**
 * A schedule's pending execution belongs to its schedule: BullMQ refuses to
 * remove it on its own. Removing or cancelling it is the caller's mistake,
 * answered as one (409, exit 1, a typed error) with a message that says what
 * to do instead, never as BullMQ's raw refusal or a 500.
 */
describe("a schedule's pending execution cannot be removed or cancelled on its own", () => {
  let h: ApiHarness;
  beforeAll(async () => {
    // No worker: the pending execution stays pending.
    h = await startApiHarness({}, { worker: false });
  });
  afterAll(async () => {
    await h?.close();
  });
  const call = (method: string, path: string) => jsonCall(h.url, method, path);

  /** Sets a schedule whose next run is an hour away; returns its pending execution's id. */
  async function pendingOf(id: string): Promise<string> {
    const start = new Date(Date.now() + 3_600_000).toISOString();
    await h.api.producer.schedules.set(id, { task, everySeconds: 60, startAt: start });
    const { executions } = await h.api.producer.schedules.get(id);
    expect(executions).toHaveLength(1);
    expect(executions![0]!.state).toBe('delayed');
    return executions![0]!.execution_id;
  }

  /** The schedule and its pending execution are as they were. */
  async function untouched(id: string, executionId: string): Promise<void> {
    expect((await h.api.producer.getExecution(executionId))?.state).toBe('delayed');
    expect((await h.api.producer.schedules.get(id)).next_run_at).not.toBeNull();
  }

  it('DELETE /api/tasks/:id and /api/queues/:queue/tasks/:id: 409 `scheduled execution`, naming the schedule', async () => {
    const executionId = await pendingOf('api-pending');
    const paths = [
      `/api/tasks/${executionId}`,
      `/api/queues/${h.config.queueName}/tasks/${executionId}`,
    ];
    for (const path of paths) {
      const answer = await call('DELETE', path);
      expect(answer.status, path).toBe(409);
      expect(answer.body.error).toBe('scheduled execution');
      expect(answer.body.message).toMatch(/schedule api-pending/);
      expect(answer.body.message).toMatch(/remove the schedule|pause/);
      expect(answer.body.message).not.toMatch(/BullMQ|directly/);
    }
    await untouched('api-pending', executionId);
  });

  it('the library: remove and cancel throw a TaskrestError with code SCHEDULED_EXECUTION', async () => {
    const executionId = await pendingOf('library-pending');
    for (const attempt of [
      () => h.api.producer.remove(executionId),
      () => h.api.producer.cancel(executionId),
    ]) {
      const error: unknown = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TaskrestError);
      expect((error as TaskrestError).code).toBe(ErrorCode.SCHEDULED_EXECUTION);
      expect((error as TaskrestError).message).toMatch(/schedule library-pending/);
    }
    await untouched('library-pending', executionId);
  });

  it('taskrest cancel: exit 1 with that message, not BullMQ’s', async () => {
    const executionId = await pendingOf('cli-pending');
    const cli = await runCli(['cancel', executionId], envOf(h.config));
    expect(cli.code).toBe(1);
    expect(cli.stdout).toBe('');
    expect(cli.stderr).toMatch(/^taskrest cancel: .*schedule cli-pending/);
    expect(cli.stderr).toMatch(/taskrest schedules rm cli-pending/);
    expect(cli.stderr).not.toMatch(/directly/);
    await untouched('cli-pending', executionId);
  });

  it('an execution id that only looks like a schedule’s is removed as any other', async () => {
    const { executionId } = await h.api.producer.enqueue(task, {
      jobId: 'repeat.like.1',
      delay: 3_600_000,
    });
    expect((await call('DELETE', `/api/tasks/${String(executionId)}`)).status).toBe(204);
  });
});
