/**
 * The bench's CPU ledger: what a scene's timed part cost the machine, by
 * part, per job. The shares come from two /proc readings; the rest of the
 * machine is what the named parts leave of its busy time.
 */
import { describe, expect, it } from 'vitest';
import { cpuShares, medianShares, readCpu, type CpuReading } from '../../bench/cpu-ledger.js';

const reading = (values: Partial<CpuReading>): CpuReading => ({
  workersMs: 0,
  recorderMs: 0,
  postgresMs: 0,
  redisMs: 0,
  machineBusyMs: 0,
  machineTotalMs: 0,
  ...values,
});

describe('the bench CPU ledger', () => {
  it('splits the timed part by part, per job, the rest being what the parts leave of the busy time', () => {
    const before = reading({ workersMs: 100, machineBusyMs: 1000, machineTotalMs: 4000 });
    const after = reading({
      workersMs: 600,
      recorderMs: 50,
      postgresMs: 150,
      redisMs: 200,
      machineBusyMs: 2200,
      machineTotalMs: 6000,
    });
    expect(cpuShares(before, after, 1000, true)).toEqual({
      history: { recorderUsPerJob: 50, postgresUsPerJob: 150 },
      redisUsPerJob: 200,
      restUsPerJob: 300,
      machineBusyShare: 0.6,
    });
    expect(cpuShares(before, after, 1000, false)).not.toHaveProperty('history');
  });

  it('never reads a negative rest (the parts are read a moment apart from the machine)', () => {
    const after = reading({ workersMs: 500, machineBusyMs: 400, machineTotalMs: 1000 });
    expect(cpuShares(reading({}), after, 100, false).restUsPerJob).toBe(0);
  });

  it('takes the median of each share, the history only from the samples that had one', () => {
    const share = (redis: number, recorder?: number) => ({
      ...(recorder === undefined
        ? {}
        : { history: { recorderUsPerJob: recorder, postgresUsPerJob: recorder * 2 } }),
      redisUsPerJob: redis,
      restUsPerJob: redis / 2,
      machineBusyShare: redis / 1000,
    });
    expect(
      medianShares([share(100, 10), share(300, 30), share(200), share(500, 20), share(400)]),
    ).toEqual({
      history: { recorderUsPerJob: 20, postgresUsPerJob: 40 },
      redisUsPerJob: 300,
      restUsPerJob: 150,
      machineBusyShare: 0.3,
    });
    expect(medianShares([share(100)])).not.toHaveProperty('history');
  });

  it('reads this process and the machine from /proc, both growing while this process works', () => {
    const pids = { workers: [process.pid], recorder: undefined, redis: process.pid };
    const before = readCpu(pids);
    const until = performance.now() + 100;
    while (performance.now() < until) Math.sqrt(Math.random());
    const after = readCpu(pids);
    expect(after.workersMs).toBeGreaterThan(before.workersMs);
    expect(after.redisMs).toBe(after.workersMs);
    expect(after.machineBusyMs).toBeGreaterThan(before.machineBusyMs);
    expect(after.machineTotalMs - before.machineTotalMs).toBeGreaterThanOrEqual(
      after.machineBusyMs - before.machineBusyMs,
    );
    expect(after.recorderMs + after.postgresMs).toBe(0);
  });
});
