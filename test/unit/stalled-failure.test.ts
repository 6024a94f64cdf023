import { UnrecoverableError, type Job } from 'bullmq';
import { describe, expect, it, vi } from 'vitest';
import { decodeRecord } from '../../shared/history/history-stream.js';
import type { RedisClient } from '../../shared/redis-connection.js';
import type { MetricsRecorder } from '../../worker/runtime/metrics-recorder.js';
import {
  BULLMQ_STALLED_REASON,
  isStalledFailure,
  recordStalledFailure,
  STALLED_MESSAGE,
} from '../../worker/runtime/stalled-failure.js';

/** A job as BullMQ hands it to a 'failed' listener. */
function jobOf(fields: Partial<Job> = {}): Job {
  return {
    id: '7',
    queueName: 'q',
    data: { url: 'http://127.0.0.1:1/x' },
    timestamp: 1_000,
    opts: {},
    ...fields,
  } as unknown as Job;
}

describe('isStalledFailure', () => {
  it("is BullMQ failing a job its stalled check marked, not a processor's error of the same text", () => {
    const marked = jobOf({ deferredFailure: BULLMQ_STALLED_REASON });
    expect(isStalledFailure(marked, new UnrecoverableError(BULLMQ_STALLED_REASON))).toBe(true);
    expect(isStalledFailure(jobOf(), new Error(BULLMQ_STALLED_REASON))).toBe(false);
    expect(isStalledFailure(marked, new Error('HTTP 500'))).toBe(false);
    expect(isStalledFailure(undefined, new Error(BULLMQ_STALLED_REASON))).toBe(false);
  });
});

describe('recordStalledFailure', () => {
  function parts(history: boolean) {
    const evals: unknown[][] = [];
    const connection = {
      eval: vi.fn((...args: unknown[]) => {
        evals.push(args);
        return Promise.resolve(0);
      }),
    } as unknown as RedisClient;
    const recordStalled = vi.fn();
    const metrics = { recordStalled } as unknown as MetricsRecorder;
    return {
      evals,
      recordStalled,
      metrics,
      connection,
      queue: { prefix: 't', queueName: 'q' },
      history,
    };
  }

  it("appends a failed record ending at the job's finishedOn, with its output, in one script", async () => {
    const p = parts(true);
    const job = jobOf({ finishedOn: 5_000 });
    const first = await recordStalledFailure(job, p);
    const second = await recordStalledFailure(job, p);
    // Appended twice, it is the same record: the recorder's upsert keeps one row.
    expect(second).toEqual(first);
    expect(first).toMatchObject({
      state: 'failed',
      message: STALLED_MESSAGE,
      execution_id: 7,
      run: 1,
      started_at: null,
      finished_at: new Date(5_000).toISOString(),
    });
    expect(p.evals).toHaveLength(2);
    // KEYS: the job hash, the stream, the dropped counter; then the output and the record.
    expect(p.evals[0]![1]).toBe(3);
    expect(decodeRecord(p.evals[0]!.at(-1) as string)).toEqual(first);
    expect(JSON.parse(p.evals[0]![6] as string)).toMatchObject({
      status: 'error',
      message: STALLED_MESSAGE,
    });
    expect(p.recordStalled).toHaveBeenCalledTimes(2);
  });

  it('with the history off, stores the output only and makes no record', async () => {
    const p = parts(false);
    expect(await recordStalledFailure(jobOf({ finishedOn: 5_000 }), p)).toBeNull();
    expect(p.evals).toHaveLength(1);
    expect(p.evals[0]![1]).toBe(1);
  });
});
