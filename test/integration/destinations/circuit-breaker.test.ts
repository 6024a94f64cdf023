import { describe, expect, it } from 'vitest';
import { destinationOf } from '../../../shared/destination-origin.js';
import { splitJobData } from '../../../shared/job-envelope.js';
import { eventually } from '../../helpers/eventually.js';
import { useFaultScene } from '../../helpers/fault-scene.js';
import { startScriptedTarget } from '../../helpers/scripted-target.js';

const concurrency = 2;
const workers = 2;

/**
 * The circuit breaker through real workers: a destination that fails opens
 * its circuit, its executions are held without using attempts, and a
 * successful probe releases them all.
 */
describe('circuit breaker', () => {
  const s = useFaultScene({
    WORKER_CONCURRENCY: String(concurrency),
    TASKREST_CIRCUIT_FAILURES: '3',
    TASKREST_CIRCUIT_COOLDOWN_SECONDS: '2',
  });

  it('opens after 3 failures, holds the executions, and a good probe releases them', async () => {
    let healthy = false;
    const target = await startScriptedTarget({ reply: () => (healthy ? 200 : 503) });
    try {
      const origin = destinationOf(new URL(target.url));
      await Promise.all(Array.from({ length: workers }, () => s.worker()));
      const ids = await s.producer.enqueueBulk(
        Array.from({ length: 10 }, (_, i) => ({
          url: `${target.url}/c/${i}`,
          retry_backoff: { initial: 1, deadline: 120 },
        })),
      );
      const open = await eventually(async () => {
        const info = await s.producer.destinations.get(origin).catch(() => null);
        return info?.circuit === 'open' ? info : null;
      }, 'the circuit open');
      // Those in flight when it opened may still arrive; no more. Once no
      // execution is active or waiting, every one of them has arrived.
      await eventually(async () => {
        const c = await s.queue.getJobCounts('active', 'waiting', 'prioritized');
        return Object.values(c).every((n) => n === 0);
      }, 'every execution settled or held');
      const settledAt = Date.now();
      expect(target.arrivals.length).toBeLessThanOrEqual(3 + concurrency * workers);
      // None during the rest of the cool-down.
      const openUntil = Date.parse(open.open_until ?? '');
      await eventually(() => Date.now() > openUntil - 100, 'the cool-down nearly over');
      const late = target.arrivals.filter(
        (a) => a.wallClockAt >= settledAt && a.wallClockAt < openUntil - 100,
      );
      expect(late).toEqual([]);
      // Held, not failed: nothing failed, and no BullMQ attempt went on the hold.
      const counts = await s.queue.getJobCounts('failed', 'completed');
      expect(counts).toMatchObject({ failed: 0, completed: 0 });
      const held = await eventually(async () => {
        const jobs = await s.queue.getJobs(['delayed']);
        return jobs.length > 0 ? jobs : null;
      }, 'held executions');
      for (const job of held) {
        expect(job.attemptsMade).toBe(0);
        // Its attempts so far are the requests that reached the target: the hold used none.
        const { task, meta } = splitJobData(job.data);
        const path = new URL((task as { url: string }).url).pathname;
        const parked = meta.parked as { attempts: number; log: readonly string[] };
        expect(parked.log.at(-1)).toMatch(/held until .*circuit/);
        expect(parked.attempts, path).toBe(target.arrivalsOf({ path }).length);
      }

      // The probe after the cool-down fails: open again, for twice as long.
      const reopened = await eventually(async () => {
        const info = await s.producer.destinations.get(origin).catch(() => null);
        return info?.open_until && Date.parse(info.open_until) > openUntil ? info : null;
      }, 'the circuit open again after a failed probe');
      expect(Date.parse(reopened.open_until ?? '') - openUntil).toBeGreaterThanOrEqual(3000);

      // It recovers: the next probe closes the circuit and every held execution completes.
      healthy = true;
      for (const { executionId } of ids) {
        const execution = await s.producer.waitForResult(executionId, { timeoutMs: 30_000 });
        expect(execution).toMatchObject({ state: 'completed', output: { status: 'success' } });
      }
      expect((await s.producer.destinations.get(origin).catch(() => null))?.circuit).toBe('closed');
    } finally {
      await target.close();
    }
  }, 60_000);
});

describe('a held execution past its deadline', () => {
  const s = useFaultScene({
    TASKREST_CIRCUIT_FAILURES: '1',
    TASKREST_CIRCUIT_COOLDOWN_SECONDS: '30',
  });

  it('ends failed, saying the circuit was open', async () => {
    const target = await startScriptedTarget({ reply: 503 });
    try {
      await s.worker();
      const first = await s.producer.enqueue({
        url: `${target.url}/a`,
        retry_backoff: { initial: 1, deadline: 5 },
      });
      const execution = await s.producer.waitForResult(first.executionId, { timeoutMs: 30_000 });
      expect(execution).toMatchObject({ state: 'failed', output: { status: 'error' } });
      expect(execution?.output?.message).toMatch(/circuit/);
      expect(execution?.output?.message).toMatch(/deadline/);
      // One request: the one that opened the circuit.
      expect(target.arrivals).toHaveLength(1);
    } finally {
      await target.close();
    }
  });
});
