import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../shared/errors/error-codes.js';
import { loadConfig } from '../../shared/config.js';
import { parseTask } from '../../shared/parse-task.js';
import { TimeLimit } from '../../worker/executor/time-limit.js';
import { AbortFlag } from '../../worker/executor/transport/abort-flag.js';

describe('TimeLimit (TASKREST_MAX_TASK_SECONDS)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('aborts its signal at the limit, and says why', () => {
    const limit = new TimeLimit(2000, undefined);
    vi.advanceTimersByTime(1999);
    expect(limit.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(limit.reached).toBe(true);
    expect(limit.signal.aborted).toBe(true);
    expect(limit.error()).toMatchObject({
      code: ErrorCode.TASK_TIME_LIMIT,
      message: 'task time limit: still running after 2 s in the worker (TASKREST_MAX_TASK_SECONDS)',
    });
  });

  it("follows the caller's signal, whose reason stays the reason; the limit then never counts", () => {
    const outer = new AbortFlag();
    const limit = new TimeLimit(1000, outer);
    outer.abort('cancelled by ops');
    expect(limit.signal.aborted).toBe(true);
    expect(limit.signal.reason).toBe('cancelled by ops');
    vi.advanceTimersByTime(5000);
    expect(limit.reached).toBe(false);
  });

  it('starts aborted under an aborted caller signal', () => {
    const outer = new AbortFlag();
    outer.abort('grace period over');
    expect(new TimeLimit(1000, outer).signal.aborted).toBe(true);
  });

  it('once ended, neither counts nor follows', () => {
    const outer = new AbortFlag();
    const limit = new TimeLimit(1000, outer);
    limit.end();
    vi.advanceTimersByTime(5000);
    outer.abort('late');
    expect(limit.signal.aborted).toBe(false);
    expect(limit.reached).toBe(false);
  });

  it("notes each of a task's timeouts above it, and none below", () => {
    const limit = new TimeLimit(300_000, undefined);
    const task = parseTask({
      url: 'http://api.test/',
      connect_timeout: 5,
      read_timeout: 300,
      total_timeout: 900,
    });
    expect(limit.notesFor(task)).toEqual([
      'total_timeout 900 s is above TASKREST_MAX_TASK_SECONDS (300 s): the execution stops at 300 s',
    ]);
    expect(limit.notesFor(parseTask({ url: 'http://api.test/' }))).toEqual([]);
    limit.end();
  });
});

describe('the time limit and callback timeouts in the configuration', () => {
  it('default to 300 s, and 10, 15 and 30 s', () => {
    const config = loadConfig({});
    expect(config.maxTaskMs).toBe(300_000);
    expect(config.callbackTimeouts).toEqual({ connect: 10, read: 15, total: 30 });
  });

  it('refuse what a task timeout would refuse, and a limit under 1 s', () => {
    expect(() => loadConfig({ TASKREST_MAX_TASK_SECONDS: '0' })).toThrow(
      /TASKREST_MAX_TASK_SECONDS/,
    );
    expect(() => loadConfig({ TASKREST_CALLBACK_TIMEOUT_SECONDS: '0.0001' })).toThrow(
      /TASKREST_CALLBACK_TIMEOUT_SECONDS/,
    );
    expect(() => loadConfig({ TASKREST_CALLBACK_READ_TIMEOUT_SECONDS: '-1' })).toThrow(
      /TASKREST_CALLBACK_READ_TIMEOUT_SECONDS/,
    );
    expect(
      loadConfig({ TASKREST_CALLBACK_CONNECT_TIMEOUT_SECONDS: '0' }).callbackTimeouts.connect,
    ).toBe(0);
  });
});
