import { UnrecoverableError, WaitingError, type Job, type Queue } from 'bullmq';
import { describe, expect, it, vi } from 'vitest';
import { withCancelMark } from '../../shared/job-envelope.js';
import type { RedisClient } from '../../shared/redis-connection.js';
import { createKeyRing } from '../../shared/secrets/key-ring.js';
import type { StoredOutput } from '../../shared/stored-output.js';
import type { ParkingExecutorDeps } from '../../worker/executor/executor.js';
import { JobProcessor } from '../../worker/runtime/job-processor.js';
import type { MetricsRecorder } from '../../worker/runtime/metrics-recorder.js';
import { PerQueue } from '../../worker/runtime/per-queue.js';
import { RunningExecutions } from '../../worker/runtime/running-executions.js';

/** A processor over fakes: a Redis that records its writes, an HTTP client that must not be called. */
function processorWith({ expired = false } = {}) {
  const stored: string[] = [];
  // The processor's writes are scripts: `stored` records the job hashes a failed output went to.
  const connection = {
    eval: vi.fn((script: string, _keys: number, key: string) =>
      Promise.resolve(script.includes("'HSET'") ? stored.push(key) : 1),
    ),
  } as unknown as RedisClient;
  const request = vi.fn();
  const deps: ParkingExecutorDeps = {
    http: { request },
    files: {} as ParkingExecutorDeps['files'],
    maxResponseBytes: 1024,
    parking: { inlineMs: 1000 },
  };
  const recorded: string[] = [];
  const closed: string[] = [];
  const closing = (what: string) => () => {
    closed.push(what);
    return Promise.resolve();
  };
  const metrics = new PerQueue<MetricsRecorder>((queueName) => ({
    record: ({ output }) => void recorded.push(`${queueName} ${output.status}`),
    recordCancelled: (ran) => void recorded.push(`${queueName} cancelled${ran ? '' : ', not run'}`),
    recordStalled: () => void recorded.push(`${queueName} stalled`),
    close: closing(`metrics ${queueName}`),
  }));
  const parkingQueues = new PerQueue(
    (queueName) => ({ close: closing(`queue ${queueName}`) }) as Queue,
  );
  const executions = new RunningExecutions();
  const processor = new JobProcessor({
    connection,
    prefix: 'taskrest',
    deps,
    executions,
    shutdown: { expired },
    metrics,
    parkingQueues,
    keyRing: createKeyRing({ secretKey: undefined, oldSecretKeys: [] }),
    callbackSecrets: [],
    callbackTimeouts: { connect: 10, read: 15, total: 30 },
    history: null,
  });
  return { processor, executions, stored, recorded, closed, request, metrics, parkingQueues };
}

function jobOf(data: unknown) {
  const moveToWait = vi.fn(() => Promise.resolve(0));
  const job = { id: '7', name: 'rest-task', queueName: 'q', data, opts: {}, moveToWait };
  return { job: job as unknown as Job<unknown, StoredOutput>, moveToWait };
}

describe('JobProcessor', () => {
  it('fails an invalid task for good: its output stored, counted, nothing sent', async () => {
    const { processor, executions, stored, recorded, request } = processorWith();
    const { job } = jobOf({ method: 'GET' });

    const processing = processor.process(job, 'token-1');
    expect(executions.jobIds()).toEqual(['q:7']);
    await expect(processing).rejects.toBeInstanceOf(UnrecoverableError);

    expect(stored).toEqual(['{taskrest:q}:q:7']);
    expect(recorded).toEqual(['q error']);
    expect(request).not.toHaveBeenCalled();
    expect(executions.size).toBe(0);
  });

  it('ends a job cancelled under an earlier worker without running it', async () => {
    const { processor, executions, stored, recorded, request } = processorWith();
    const { job } = jobOf(withCancelMark({ url: 'http://example.test' }, { by: 'alice', at: 1 }));

    await expect(processor.process(job, 'token-1')).rejects.toThrow(
      new UnrecoverableError('cancelled'),
    );
    expect(stored).toEqual(['{taskrest:q}:q:7']);
    // Counted as cancelled, without a duration (it did not run here).
    expect(recorded).toEqual(['q cancelled, not run']);
    expect(request).not.toHaveBeenCalled();
    expect(executions.size).toBe(0);
  });

  it('hands a failed job back once the grace period is over, storing and counting nothing', async () => {
    const { processor, stored, recorded } = processorWith({ expired: true });
    const { job, moveToWait } = jobOf({ method: 'GET' });

    await expect(processor.process(job, 'token-1')).rejects.toBeInstanceOf(WaitingError);
    expect(moveToWait).toHaveBeenCalledWith('token-1');
    expect(stored).toEqual([]);
    expect(recorded).toEqual([]);
  });

  it('fails a job whose sealed secrets cannot be opened for good', async () => {
    const { processor, executions, stored } = processorWith();
    const { job } = jobOf({ url: 'http://example.test', $taskrest: { sealed: { kid: 'gone' } } });

    await expect(processor.process(job, 'token-1')).rejects.toBeInstanceOf(UnrecoverableError);
    expect(stored).toEqual([]);
    expect(executions.size).toBe(0);
  });

  it('closes the metrics recorders, then the parking queues', async () => {
    const { processor, closed, metrics, parkingQueues } = processorWith();
    metrics.get('q');
    parkingQueues.get('q');

    await processor.close();
    expect(closed).toEqual(['metrics q', 'queue q']);
  });
});
