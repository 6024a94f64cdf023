import { afterEach, describe, expect, it } from 'vitest';
import { META_KEY } from '../../shared/job-envelope.js';
import type { ParkedExecution } from '../../shared/parked-execution.js';
import { eventually } from '../helpers/eventually.js';
import { useFaultScene } from '../helpers/fault-scene.js';
import {
  startScriptedTarget,
  type Answer,
  type ScriptedTarget,
  type ScriptedTargetOptions,
} from '../helpers/scripted-target.js';

/*
 * Retry waits longer than TASKREST_INLINE_RETRY_SECONDS: the execution is
 * parked on its job as a delayed job, the worker slot is free meanwhile, and
 * whichever worker takes the job when it is due goes on with it. Real Redis,
 * real `taskrest worker` processes, real loopback targets.
 */

const targets: ScriptedTarget[] = [];
afterEach(async () => {
  await Promise.all(targets.splice(0).map((t) => t.close()));
});

/** A target answering by `script`, closed after the test. */
async function scripted(script: ScriptedTargetOptions): Promise<ScriptedTarget> {
  const target = await startScriptedTarget(script);
  targets.push(target);
  return target;
}

function status(code: number, headers: Record<string, string> = {}): Answer {
  return { status: code, headers, body: { status: code } };
}

/** The parked execution stored on a job's data, if any. */
function parkedOf(data: unknown): ParkedExecution | undefined {
  const meta = (data as Record<string, { parked?: ParkedExecution } | undefined>)[META_KEY];
  return meta?.parked;
}

/** The log lines without their timestamps. */
function bare(log: readonly string[] | undefined): string[] {
  return (log ?? []).map((l) => l.replace(/^\S+ /, ''));
}

describe('a retry wait longer than TASKREST_INLINE_RETRY_SECONDS', () => {
  const s = useFaultScene();

  it('parks the job as delayed and frees the slot: another task runs during the wait', async () => {
    const target = await scripted({ routes: { '/flaky': status(503) }, reply: status(200) });
    const worker = await s.worker({ WORKER_CONCURRENCY: '1' });
    const { executionId } = await s.producer.enqueue({
      url: `${target.url}/flaky`,
      retry_backoff: { initial: 60, maximum: 60, deadline: 600 },
    });
    const id = String(executionId);
    await eventually(
      async () => (await s.queue.getJobState(id)) === 'delayed',
      'the first task is delayed',
    );
    const job = await s.queue.getJob(id);
    // A parked retry is no BullMQ attempt.
    expect(job?.attemptsMade).toBe(0);
    expect(parkedOf(job?.data)).toMatchObject({ retry: 1, attempts: 1, retries: 0 });
    // Due in about 60 s.
    expect((job?.timestamp ?? 0) + (job?.delay ?? 0)).toBeGreaterThan(Date.now() + 50_000);
    expect(bare((await s.queue.getJobLogs(id)).logs)).toEqual([
      `GET ${target.url}/flaky`,
      expect.stringMatching(
        /^retry 1 in 60\.0 s after HTTP 503 Service Unavailable: parked, the worker slot freed until \S+Z$/,
      ),
    ]);

    // The one slot is free: another task runs to its end while the first waits.
    const other = await s.producer.enqueue({ url: `${target.url}/other` });
    const done = await s.producer.waitForResult(other.executionId, { timeoutMs: 20_000 });
    expect(done).toMatchObject({ state: 'completed', output: { status: 'success' } });
    expect(await s.queue.getJobState(id)).toBe('delayed');
    expect(target.arrivalsOf({ path: '/flaky' })).toHaveLength(1);
    expect((await s.queue.getJob(String(other.executionId)))?.processedBy).toBe(worker.name);
  });

  it('survives kill -9 during the wait: a new worker finishes the same execution once', async () => {
    const target = await scripted({ routes: { '/flaky': [status(503), status(200)] } });
    const first = await s.worker({ WORKER_CONCURRENCY: '1' });
    const { executionId } = await s.producer.enqueue({
      url: `${target.url}/flaky`,
      retry_backoff: { initial: 60, maximum: 60, deadline: 600 },
    });
    const id = String(executionId);
    await eventually(
      async () => (await s.queue.getJobState(id)) === 'delayed',
      'the task is delayed',
    );
    const parked = parkedOf((await s.queue.getJob(id))?.data);
    expect(await first.stop('SIGKILL')).toBeNull();

    const second = await s.worker();
    // Rather than wait 60 s: BullMQ's own way to make a delayed job due now.
    await (await s.queue.getJob(id))?.promote();
    const execution = await s.producer.waitForResult(executionId, { timeoutMs: 20_000 });
    expect(execution).toMatchObject({
      execution_id: executionId,
      state: 'completed',
      output: { execution_id: executionId, status: 'success', status_code: 200 },
    });
    // Both attempts in one log, earlier lines first, the retry numbering going on.
    expect(bare(execution?.output?.log)).toEqual([
      `GET ${target.url}/flaky`,
      expect.stringMatching(/^retry 1 in 60\.0 s after HTTP 503 Service Unavailable: parked/),
      'taken up again for retry 1',
      `GET ${target.url}/flaky`,
      'response HTTP 200 OK',
    ]);
    expect(bare((await s.queue.getJobLogs(id)).logs)).toEqual(bare(execution?.output?.log));
    expect(target.arrivals).toHaveLength(2);
    const job = await s.queue.getJob(id);
    expect(job?.processedBy).toBe(second.name);
    // The deadline still counts from the first attempt: its time was kept.
    expect(parkedOf(job?.data)?.firstAttemptAt).toBe(parked?.firstAttemptAt);
    await eventually(() => s.finishes.finishes.get(id) === 1, 'one finish event');
    expect(s.finishes.finishedTwice()).toEqual([]);
  });

  it('ends with the deadline error at the next pickup when the deadline passed during the wait', async () => {
    const target = await scripted({ reply: status(503) });
    const env = { TASKREST_INLINE_RETRY_SECONDS: '1' };
    const first = await s.worker(env);
    const { executionId } = await s.producer.enqueue({
      url: `${target.url}/down`,
      // The 2 s wait parks (over 1 s) and is due before the 4 s deadline.
      retry_backoff: { initial: 2, maximum: 2, deadline: 4 },
    });
    const id = String(executionId);
    await eventually(
      async () => (await s.queue.getJobState(id)) === 'delayed',
      'the task is delayed',
    );
    const parked = parkedOf((await s.queue.getJob(id))?.data);
    expect(parked).toBeDefined();
    // No worker while the deadline passes.
    expect(await first.stop('SIGKILL')).toBeNull();
    const deadlineAt = (parked?.firstAttemptAt ?? 0) + 4000;
    await eventually(() => Date.now() > deadlineAt + 200, 'the deadline passed', {
      timeoutMs: 20_000,
    });

    await s.worker(env);
    const execution = await s.producer.waitForResult(executionId, { timeoutMs: 20_000 });
    expect(execution).toMatchObject({
      state: 'failed',
      output: {
        status: 'error',
        status_code: 503,
        // Taken up after the deadline passed: the time it was taken up is the one said.
        message: expect.stringMatching(
          /^gave up retrying after 1 attempt in (\d+\.\d) s: retry 1 was taken up \1 s after the first attempt, past retry_backoff\.deadline \(4 s\); last HTTP 503 Service Unavailable$/,
        ),
      },
    });
    const tookUp = /in (\d+\.\d) s:/.exec(execution?.output?.message ?? '');
    expect(Number(tookUp?.[1])).toBeGreaterThan(4);
    expect(bare(execution?.output?.log).at(-1)).toBe(`failed: ${execution?.output?.message}`);
    // Nothing was sent at the pickup.
    expect(target.arrivals).toHaveLength(1);
  });
});
