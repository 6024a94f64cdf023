/**
 * The history bench's records (bench/history-records.ts): the mix it
 * promises in its docs (states, origins, flow keys, schedules, queues, a
 * week in time order, outputs of about 600 bytes), made deterministically,
 * as a worker makes them (the task's credential scrubbed).
 */
import { describe, expect, it } from 'vitest';
import {
  BENCH_QUEUES,
  benchOrigin,
  draw,
  historyRecord,
  recordAt,
} from '../../bench/history-records.js';

const COUNT = 20_000;
const NOW = Date.parse('2026-12-06T12:00:00.000Z');
const records = Array.from({ length: COUNT }, (_, n) => historyRecord(n, COUNT, NOW));
const share = (pick: (r: (typeof records)[number]) => boolean) =>
  records.filter(pick).length / COUNT;

describe('the history bench records', () => {
  it('draws numbers in [0, 1) that depend on (n, k) alone', () => {
    const values = Array.from({ length: 10_000 }, (_, n) => draw(n, 3));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeCloseTo(0.5, 1);
    expect(draw(42, 1)).toBe(draw(42, 1));
    expect(draw(42, 1)).not.toBe(draw(42, 2));
  });

  it('are 80 % completed, 15 % failed, 5 % cancelled, with codes by outcome', () => {
    expect(share((r) => r.state === 'completed')).toBeCloseTo(0.8, 1);
    expect(share((r) => r.state === 'failed')).toBeCloseTo(0.15, 1);
    expect(share((r) => r.state === 'cancelled')).toBeCloseTo(0.05, 1);
    for (const r of records.slice(0, 500)) {
      if (r.state === 'cancelled') expect(r.status_code).toBeNull();
      if (r.state === 'failed') expect(r.status_code).toBeGreaterThanOrEqual(400);
      if (r.state === 'completed') expect(r.status_code).toBeLessThan(300);
    }
  });

  it('go to 50 origins, the first busy (about 14 %), the last ten times quieter', () => {
    const origins = new Set(records.map((r) => r.origin));
    expect(origins.size).toBe(50);
    const busiest = share((r) => r.origin === benchOrigin(0));
    expect(busiest).toBeGreaterThan(0.1);
    expect(share((r) => r.origin === benchOrigin(49))).toBeLessThan(busiest / 10);
  });

  it('spread over 20 queues, 10 % under a flow key, 5 % from a schedule', () => {
    expect(new Set(records.map((r) => r.queue))).toEqual(new Set(BENCH_QUEUES));
    expect(share((r) => r.flow_key !== undefined)).toBeCloseTo(0.1, 2);
    expect(share((r) => r.schedule !== undefined)).toBeCloseTo(0.05, 2);
  });

  it('end in time order over the 7 days before now', () => {
    const times = records.map((r) => Date.parse(r.finished_at));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(NOW - 7 * 86_400_000);
    expect(Math.max(...times)).toBeLessThan(NOW);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    for (const r of records.slice(0, 100)) {
      expect(Date.parse(r.enqueued_at)).toBeLessThan(Date.parse(r.started_at!));
      expect(r.duration_ms).toBeGreaterThanOrEqual(20);
    }
  });

  it('carry an output of about 600 bytes and no credential', () => {
    const sizes = records.slice(0, 1000).map((r) => JSON.stringify(r.output).length);
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(mean).toBeGreaterThan(450);
    expect(mean).toBeLessThan(750);
    expect(JSON.stringify(records.slice(0, 1000))).not.toContain('s3cr3t');
  });

  it('are the same record for the same n, and recordAt ends where told', () => {
    expect(historyRecord(7, COUNT, NOW)).toEqual(records[7]);
    const live = recordAt(7, NOW, 'live-');
    expect(live.execution_id).toBe('live-7');
    expect(live.finished_at).toBe(new Date(NOW).toISOString());
  });
});
