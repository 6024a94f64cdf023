import { describe, expect, it } from 'vitest';
import { useFaultScene } from '../../helpers/fault-scene.js';

/** One line of a worker's JSON log. */
interface LogLine {
  msg: string;
  [field: string]: unknown;
}

function logLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/**
 * A stopping worker says what it waits for: on SIGTERM, the executions it
 * runs (queue, id, since when) and the grace period; then each one as it
 * ends or is handed back. An operator watching a deploy hang for the grace
 * period otherwise sees nothing but "worker stopping".
 */
describe('SIGTERM: the worker says what it waits for', () => {
  const s = useFaultScene();

  it('names the running executions and the grace period, then each as it ends or is handed back', async () => {
    const worker = await s.worker({ TASKREST_SHUTDOWN_GRACE_SECONDS: '2' });
    const enqueuedAt = Date.now();
    const quick = await s.producer.enqueue({ url: `${s.target.url}/slow/quick?ms=800` });
    const held = await s.producer.enqueue({ url: `${s.target.url}/hold/held` });
    await s.target.waitFor(2);

    expect(await worker.stop('SIGTERM')).toBe(0);
    const lines = logLines(worker.output());
    const queue = s.config.queueName;
    const named = (id: number | string) => ({
      queue,
      id: String(id),
      since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
    });

    const waiting = lines.find((line) => line.msg === 'waiting for running executions');
    expect(waiting, worker.output()).toMatchObject({ graceSeconds: 2 });
    expect(waiting?.executions).toEqual(
      expect.arrayContaining([named(quick.executionId), named(held.executionId)]),
    );
    expect(waiting?.executions).toHaveLength(2);
    for (const { since } of waiting?.executions as { since: string }[]) {
      expect(Date.parse(since)).toBeGreaterThanOrEqual(enqueuedAt - 1000);
      expect(Date.parse(since)).toBeLessThanOrEqual(Date.parse(String(waiting?.time)));
    }
    expect(Date.parse(String(waiting?.until)) - Date.parse(String(waiting?.time))).toBeGreaterThan(
      1900,
    );

    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'execution ended while stopping',
        ...named(quick.executionId),
        outcome: 'completed',
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'grace period over: aborting running jobs and handing them back',
        executions: [named(held.executionId)],
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'execution handed back',
        ...named(held.executionId),
        outcome: 'handed back',
      }),
    );
    const done = lines.findIndex((line) => line.msg.startsWith('done waiting'));
    expect(lines[done]).toMatchObject({ outcomes: { completed: 1, 'handed back': 1 } });
    expect(done).toBeLessThan(lines.findIndex((line) => line.msg === 'worker stopped'));
    expect(await s.queue.getJobState(String(held.executionId))).toBe('waiting');
  });

  it('an idle worker says it has nothing to wait for', async () => {
    const worker = await s.worker();
    expect(await worker.stop('SIGTERM')).toBe(0);
    expect(logLines(worker.output())).toContainEqual(
      expect.objectContaining({ msg: 'no execution running: nothing to wait for' }),
    );
  });
});
