import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../shared/logger.js';
import { abortOnLockLoss } from '../../worker/runtime/lock-loss.js';
import { RunningExecutions } from '../../worker/runtime/running-executions.js';

function warnings(lines: string[]): Logger {
  const ignore = () => undefined;
  return { debug: ignore, info: ignore, error: ignore, warn: (msg) => lines.push(msg) };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('abortOnLockLoss', () => {
  it('aborts the execution whose lock is gone or held by another token', async () => {
    const worker = new EventEmitter();
    const executions = new RunningExecutions();
    const holders: Record<string, string | null> = { '1': null, '2': 'someone-else' };
    const logged: string[] = [];
    abortOnLockLoss(
      worker,
      executions,
      (id) => Promise.resolve(holders[id] ?? null),
      warnings(logged),
    );
    const first = executions.start('1', 'token-1');
    const second = executions.start('2', 'token-2');
    const untouched = executions.start('3', 'token-3');

    worker.emit('lockRenewalFailed', ['1', '2', 'gone']);
    await settle();
    expect([first.signal.aborted, first.lockLost]).toEqual([true, true]);
    expect([second.signal.aborted, second.lockLost]).toEqual([true, true]);
    expect(untouched.signal.aborted).toBe(false);
    expect(logged).toEqual(['lock lost: execution aborted', 'lock lost: execution aborted']);
  });

  it('keeps the execution running when its own token still holds the lock (a stale failed renewal)', async () => {
    const worker = new EventEmitter();
    const executions = new RunningExecutions();
    abortOnLockLoss(worker, executions, () => Promise.resolve('token-new'), warnings([]));
    // The stalled check gave the job back to this worker: the earlier execution lost it.
    const earlier = executions.start('7', 'token-old');
    const current = executions.start('7', 'token-new');
    expect(earlier.lockLost).toBe(true);

    // The renewal sent for the earlier token fails late.
    worker.emit('lockRenewalFailed', ['7']);
    await settle();
    expect(current.signal.aborted).toBe(false);
    expect(executions.get('7')).toBe(current);
  });
});
