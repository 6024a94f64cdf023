import { describe, expect, it } from 'vitest';
import { AbortFlag } from '../../worker/executor/transport/abort-flag.js';

describe('AbortFlag', () => {
  it('calls each listener once, with the first reason kept', () => {
    const flag = new AbortFlag();
    const calls: string[] = [];
    flag.addEventListener('abort', () => calls.push(`a:${String(flag.reason)}`));
    flag.addEventListener('abort', () => calls.push('b'), { once: true });
    expect(flag.aborted).toBe(false);
    flag.abort('first');
    flag.abort('second');
    expect(flag.aborted).toBe(true);
    expect(flag.reason).toBe('first');
    expect(calls).toEqual(['a:first', 'b']);
  });

  it('does not call a removed listener, nor one added after it aborted', () => {
    const flag = new AbortFlag();
    const calls: string[] = [];
    const removed = () => calls.push('removed');
    flag.addEventListener('abort', removed);
    flag.addEventListener('abort', () => calls.push('kept'));
    flag.removeEventListener('abort', removed);
    flag.abort(new Error('stop'));
    flag.addEventListener('abort', () => calls.push('late'));
    expect(calls).toEqual(['kept']);
  });
});
