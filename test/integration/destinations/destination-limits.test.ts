import { describe, expect, it } from 'vitest';
import { destinationOf } from '../../../shared/destination-origin.js';
import { GATE_TO_TARGET_MS, mostInAnyWindow } from '../../helpers/arrival-windows.js';
import { useFaultScene } from '../../helpers/fault-scene.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';

/**
 * Operator limits on destinations and flow keys, measured where they matter:
 * at the target servers, with real `taskrest worker` processes sharing one
 * Redis.
 */
describe('destination and flow key limits', () => {
  const s = useFaultScene({ WORKER_CONCURRENCY: '8' });
  const targets: ScriptedTarget[] = [];
  const target = async (options: Parameters<typeof startScriptedTarget>[0] = {}) => {
    const started = await startScriptedTarget(options);
    targets.push(started);
    return started;
  };
  const originOf = (t: ScriptedTarget) => destinationOf(new URL(t.url));
  const waitAll = async (ids: readonly { executionId: string | number }[]) => {
    for (const { executionId } of ids) {
      const execution = await s.producer.waitForResult(executionId, { timeoutMs: 60_000 });
      expect(execution).toMatchObject({ state: 'completed' });
    }
  };
  const closeTargets = () => Promise.all(targets.splice(0).map((t) => t.close()));

  it('5/s: 20 tasks through 2 workers never arrive faster than 5 in any second', async () => {
    const a = await target();
    await s.producer.destinations.set(originOf(a), { rate_limit: { max: 5, per_seconds: 1 } });
    await Promise.all([s.worker(), s.worker()]);
    const ids = await s.producer.enqueueBulk(
      Array.from({ length: 20 }, (_, i) => ({ url: `${a.url}/r/${i}` })),
    );
    await waitAll(ids);
    expect(a.arrivals).toHaveLength(20);
    expect(mostInAnyWindow(a.arrivals, 1000 - GATE_TO_TARGET_MS)).toBeLessThanOrEqual(5);
    // Limited indeed: 20 at 5 per second take at least three seconds.
    const times = a.arrivals.map((x) => x.wallClockAt);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(
      3000 - GATE_TO_TARGET_MS,
    );
    await closeTargets();
  });

  it('max_concurrency 2: never more than 2 in flight across 2 workers, and 2 reached', async () => {
    const a = await target({ reply: { status: 200, delayMs: 300 } });
    await s.producer.destinations.set(originOf(a), { max_concurrency: 2 });
    await Promise.all([s.worker(), s.worker()]);
    const ids = await s.producer.enqueueBulk(
      Array.from({ length: 12 }, (_, i) => ({ url: `${a.url}/c/${i}` })),
    );
    await waitAll(ids);
    expect(a.arrivals).toHaveLength(12);
    const most = Math.max(...a.arrivals.map((x) => x.inFlight));
    expect(most).toBe(2);
    await closeTargets();
  });

  it("a destination at 1/s does not delay another destination's 30 tasks", async () => {
    const slow = await target();
    const other = await target();
    await s.producer.destinations.set(originOf(slow), { rate_limit: { max: 1, per_seconds: 1 } });
    await Promise.all([s.worker(), s.worker()]);
    // The limited destination's tasks first, at the head of the queue.
    const limited = await s.producer.enqueueBulk(
      Array.from({ length: 10 }, (_, i) => ({ url: `${slow.url}/s/${i}` })),
    );
    const free = await s.producer.enqueueBulk(
      Array.from({ length: 30 }, (_, i) => ({ url: `${other.url}/o/${i}` })),
    );
    await waitAll(free);
    // The other destination's 30 are done while the limited one still has work left.
    expect(other.arrivals).toHaveLength(30);
    expect(slow.arrivals.length).toBeLessThan(10);
    await waitAll(limited);
    expect(mostInAnyWindow(slow.arrivals, 1000 - GATE_TO_TARGET_MS)).toBe(1);
    await closeTargets();
  });

  it('flow keys k1 and k2 at 2/s each, one destination: each within its rate, side by side', async () => {
    const a = await target();
    await s.producer.flowKeys.set('k1', { rate_limit: { max: 2, per_seconds: 1 } });
    await s.producer.flowKeys.set('k2', { rate_limit: { max: 2, per_seconds: 1 } });
    await Promise.all([s.worker(), s.worker()]);
    const k1 = await s.producer.enqueueBulk(
      Array.from({ length: 8 }, (_, i) => ({ url: `${a.url}/k1/${i}` })),
      { flowKey: 'k1' },
    );
    const k2 = await s.producer.enqueueBulk(
      Array.from({ length: 8 }, (_, i) => ({ url: `${a.url}/k2/${i}` })),
      { flowKey: 'k2' },
    );
    await waitAll([...k1, ...k2]);
    const of = (key: string) => a.arrivalsOf({ prefix: `/${key}/` });
    for (const key of ['k1', 'k2']) {
      expect(of(key)).toHaveLength(8);
      expect(mostInAnyWindow(of(key), 1000 - GATE_TO_TARGET_MS), key).toBeLessThanOrEqual(2);
    }
    // Side by side: by the time either key is half done, the other has started too,
    // and both finish within about a second of each other.
    const last = (key: string) => Math.max(...of(key).map((x) => x.wallClockAt));
    const first = (key: string) => Math.min(...of(key).map((x) => x.wallClockAt));
    expect(Math.abs(first('k1') - first('k2'))).toBeLessThan(1000);
    expect(Math.abs(last('k1') - last('k2'))).toBeLessThan(1500);
    await closeTargets();
  });
});

describe('a killed worker holding a concurrency lease', () => {
  const lockSeconds = 4;
  const s = useFaultScene({
    WORKER_CONCURRENCY: '2',
    TASKREST_LOCK_DURATION_SECONDS: String(lockSeconds),
    TASKREST_STALLED_INTERVAL_SECONDS: '1',
  });

  it('frees the slot within the lock duration', async () => {
    const a = await startScriptedTarget({ routes: { '/stuck': ['hold', 200] } });
    try {
      const origin = destinationOf(new URL(a.url));
      await s.producer.destinations.set(origin, { max_concurrency: 1 });
      const first = await s.worker();
      await s.producer.enqueue({ url: `${a.url}/stuck` });
      await a.waitFor(1, { path: '/stuck' });
      expect((await s.producer.destinations.get(origin))?.in_flight).toBe(1);
      await first.stop('SIGKILL');
      const killedAt = Date.now();
      // Nothing settles the lease: only its expiry, with the job's lock, frees it.
      for (;;) {
        const info = await s.producer.destinations.get(origin);
        if (info?.in_flight === 0) break;
        expect(Date.now() - killedAt).toBeLessThan(lockSeconds * 1000 + 1000);
        await new Promise((r) => setTimeout(r, 100));
      }
      // And another worker gets the slot: a new task reaches the destination.
      await s.worker();
      await s.producer.enqueue({ url: `${a.url}/after` });
      await a.waitFor(1, { path: '/after', timeoutMs: 20_000 });
    } finally {
      a.release();
      await a.close();
    }
  });
});
