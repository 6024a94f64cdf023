import { describe, expect, it } from 'vitest';
import { PerQueue } from '../../worker/runtime/per-queue.js';

describe('PerQueue', () => {
  it('makes one value per queue, on its first use, and closes every one made', async () => {
    const made: string[] = [];
    const closed: string[] = [];
    const values = new PerQueue((queueName) => {
      made.push(queueName);
      const close = () => {
        closed.push(queueName);
        return Promise.resolve();
      };
      return { queueName, close };
    });
    expect(made).toEqual([]);

    const first = values.get('a');
    expect(values.get('a')).toBe(first);
    values.get('b');
    expect(made).toEqual(['a', 'b']);

    await values.close();
    expect(closed.sort()).toEqual(['a', 'b']);
  });

  it('closes nothing when no queue needed a value', async () => {
    const values = new PerQueue<{ close(): Promise<void> }>(() => {
      throw new Error('not needed');
    });
    await expect(values.close()).resolves.toBeUndefined();
  });
});
