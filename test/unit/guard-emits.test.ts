import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { guardEmits } from '../../worker/runtime/guard-emits.js';

describe('guardEmits', () => {
  it('reports a throwing listener instead of letting it unwind into the emitter', () => {
    const emitter = new EventEmitter();
    const reported: string[] = [];
    guardEmits(emitter, (event, error) => reported.push(`${String(event)}: ${error.message}`));
    const later: number[] = [];
    emitter.on('completed', () => {
      throw new Error('listener bug');
    });
    emitter.on('active', (n: number) => later.push(n));

    expect(() => emitter.emit('completed')).not.toThrow();
    expect(emitter.emit('active', 7)).toBe(true);
    expect(reported).toEqual(['completed: listener bug']);
    expect(later).toEqual([7]);
  });

  it('survives an error event without a listener, and a throwing reporter', () => {
    const emitter = new EventEmitter();
    guardEmits(emitter, () => {
      throw new Error('reporter bug');
    });
    expect(() => emitter.emit('error', new Error('redis gone'))).not.toThrow();
  });

  it('turns a thrown non-error into an Error', () => {
    const emitter = new EventEmitter();
    const errors: Error[] = [];
    guardEmits(emitter, (_event, error) => errors.push(error));
    emitter.on('x', () => {
      throw 'a string'; // eslint-disable-line @typescript-eslint/only-throw-error
    });
    emitter.emit('x');
    expect(errors[0]).toBeInstanceOf(Error);
    expect(errors[0]?.message).toBe('a string');
  });
});
