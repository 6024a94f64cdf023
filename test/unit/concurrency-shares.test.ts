import { describe, expect, it } from 'vitest';
import { shareSlots, type QueueLoad } from '../../worker/runtime/concurrency-shares.js';

const idle: QueueLoad = { running: 0, demand: 0 };
const sum = (shares: number[]) => shares.reduce((a, b) => a + b, 0);

describe('shareSlots: WORKER_CONCURRENCY as one pool', () => {
  it('splits the pool evenly while nothing waits, at least 1 each', () => {
    expect(shareSlots(16, [idle, idle, idle])).toEqual([6, 5, 5]);
    expect(
      shareSlots(
        16,
        Array.from({ length: 14 }, () => idle),
      ),
    ).toEqual([2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('gives a busy queue the slots idle ones do not use; they keep one each', () => {
    const loads = [{ running: 1, demand: 40 }, ...Array.from({ length: 13 }, () => idle)];
    const shares = shareSlots(16, loads);
    expect(shares[0]).toBe(16);
    expect(shares.slice(1)).toEqual(Array.from({ length: 13 }, () => 1));
  });

  it('gives a busy queue no more than it can start; the rest is spread', () => {
    const loads = [{ running: 1, demand: 6 }, ...Array.from({ length: 13 }, () => idle)];
    expect(shareSlots(16, loads)).toEqual([6, ...Array.from({ length: 13 }, () => 1)]);
    expect(shareSlots(24, [{ running: 1, demand: 6 }, idle, idle])).toEqual([8, 8, 8]);
  });

  it('splits the pool evenly between busy queues, and a queue that wants little gets it', () => {
    expect(
      shareSlots(16, [
        { running: 2, demand: 100 },
        { running: 8, demand: 100 },
        { running: 1, demand: 2 },
      ]),
    ).toEqual([7, 7, 2]);
  });

  it('takes slots back from a queue running more than its share (they go as its jobs end)', () => {
    const shares = shareSlots(16, [
      { running: 16, demand: 50 },
      { running: 0, demand: 50 },
    ]);
    expect(shares).toEqual([8, 8]);
  });

  it('never gives more than the pool beyond 1 to a queue that got none', () => {
    for (const queues of [1, 3, 14, 40]) {
      const loads = Array.from({ length: queues }, (_, i) =>
        i % 3 === 0 ? { running: 2, demand: 30 } : idle,
      );
      const shares = shareSlots(16, loads);
      const beyond = shares.filter((n) => n === 1).length;
      expect(sum(shares)).toBeLessThanOrEqual(16 + beyond);
      expect(Math.min(...shares)).toBeGreaterThanOrEqual(1);
    }
  });
});
