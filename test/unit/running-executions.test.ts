import { describe, expect, it } from 'vitest';
import { RunningExecutions } from '../../worker/runtime/running-executions.js';

describe('RunningExecutions.cancel', () => {
  it('aborts the execution running now, naming who; one not running is not found', () => {
    const executions = new RunningExecutions();
    const running = executions.start('q:1', 'token-1');
    const other = executions.start('q:2', 'token-2');

    expect(executions.cancel('q:1', 'alice')).toBe(true);
    expect([running.signal.aborted, running.signal.reason, running.cancelledBy]).toEqual([
      true,
      'alice',
      'alice',
    ]);
    expect([other.signal.aborted, other.cancelledBy]).toEqual([false, undefined]);
    expect(executions.cancel('q:3', 'alice')).toBe(false);

    executions.finish(other);
    expect(executions.cancel('q:2', 'bob')).toBe(false);
    expect(other.cancelledBy).toBeUndefined();
  });

  it('keeps who cancelled first, and a later execution of the same job is not cancelled by an earlier cancel', () => {
    const executions = new RunningExecutions();
    const earlier = executions.start('q:7', 'token-old');
    executions.cancel('q:7', 'alice');
    executions.cancel('q:7', 'bob');
    expect(earlier.cancelledBy).toBe('alice');

    // The job came back to this worker: the new execution starts uncancelled.
    const current = executions.start('q:7', 'token-new');
    expect([current.signal.aborted, current.cancelledBy]).toEqual([false, undefined]);
  });
});
