import { createHash } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { destinationOf } from '../../../shared/destination-origin.js';
import { parseHolder } from '../../../shared/destinations/gate-keys.js';
import { ADMIT_LUA } from '../../../worker/runtime/gate/admit-script.js';
import { useFaultScene } from '../../helpers/fault-scene.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';

/** The admit script's SHA1, as ioredis sends it with EVALSHA. */
const ADMIT_SHA = createHash('sha1').update(ADMIT_LUA).digest('hex');

/** How long the test watches a held execution wait: a poll would show in it. */
const WATCH_MS = 2_000;

/**
 * What a request that meets a limit costs in Redis: one call of the admit
 * script, which holds it (parked as a delayed job, woken or due later), and
 * nothing while it waits; no poll. Every command the worker sends is read
 * with MONITOR on a Redis of the test's own.
 */
describe('a limited request costs one Redis round trip, not a poll', () => {
  const s = useFaultScene({ WORKER_CONCURRENCY: '4' }, { ownRedis: true });
  let target: ScriptedTarget | undefined;
  let monitor: ChildProcess | undefined;
  afterEach(async () => {
    monitor?.kill();
    await target?.close();
  });

  /**
   * Starts watching the admit script's calls (redis-cli MONITOR): the holder
   * (its execution) each asked for. Resolves once MONITOR is on.
   */
  async function watchAdmits(): Promise<string[]> {
    const calls: string[] = [];
    monitor = spawn('redis-cli', ['-u', s.redis.url, 'monitor']);
    const lines = createInterface({ input: monitor.stdout! });
    await new Promise<void>((resolve, reject) => {
      monitor!.once('error', reject);
      lines.on('line', (line) => {
        if (line === 'OK') resolve();
        // `time [db address] "evalsha" "sha" "16" KEYS[1..16] "now" "holder" …`, escaped.
        const args = [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
        const [command, script] = args;
        const admit =
          (command === 'evalsha' && script === ADMIT_SHA) ||
          // The first call is an EVAL of the text: told by a name only it has.
          (command === 'eval' && script?.includes('LEARNED_HORIZON_MS') === true);
        if (admit) calls.push((args[3 + 16 + 1] ?? '').replaceAll('\\n', '\n'));
      });
    });
    return calls;
  }

  /** Waits until `predicate` holds, checking every 50 ms, for at most 30 s. */
  async function until(predicate: () => boolean | Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!(await predicate())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The first execution asked once; the held one at most twice (held, then woken or due). */
  function expectCallsPerExecution(
    admits: readonly string[],
    [first, second]: (string | number)[],
  ) {
    const of = (id: string | number) =>
      admits.filter((holder) => parseHolder(holder)?.executionId === String(id));
    expect(admits.length, admits.join(', ')).toBe(of(first!).length + of(second!).length);
    expect(of(first!)).toHaveLength(1);
    expect(of(second!).length).toBeGreaterThanOrEqual(1);
    expect(of(second!).length).toBeLessThanOrEqual(2);
  }

  async function held(id: string | number): Promise<boolean> {
    return (await s.producer.getExecution(id))?.state === 'delayed';
  }

  /**
   * Starts a worker, runs two tasks to `on` (the second is held), watches
   * the admit calls for `watchMs` while the second waits (none may come),
   * and waits for both to complete.
   */
  async function runTwoWatchingTheHeld(on: ScriptedTarget, watchMs: number, waitsFor: string) {
    await s.worker();
    const admits = await watchAdmits();
    const added = await s.producer.enqueueBulk([{ url: `${on.url}/a` }, { url: `${on.url}/b` }]);
    const ids = added.map((a) => a.executionId);
    await until(() => on.arrivals.length === 1);
    await until(() => held(ids[1]!));
    const before = admits.length;
    await new Promise((resolve) => setTimeout(resolve, watchMs));
    expect(admits.length, `admit calls while the request waits for ${waitsFor}`).toBe(before);
    for (const id of ids) {
      const done = await s.producer.waitForResult(id, { timeoutMs: 60_000 });
      expect(done).toMatchObject({ state: 'completed' });
    }
    return { admits, ids };
  }

  it('held for a slot (max_concurrency 1): one admit call, none while it waits, one when woken', async () => {
    target = await startScriptedTarget({ reply: { status: 200, delayMs: 2 * WATCH_MS } });
    await s.producer.destinations.set(destinationOf(new URL(target.url)), { max_concurrency: 1 });
    const { admits, ids } = await runTwoWatchingTheHeld(target, WATCH_MS, 'its slot');
    // One call each decides; the held one may ask once more when woken.
    expectCallsPerExecution(admits, ids);
  });

  it('held for a rate (1 per 6 s): one admit call reserves its time, none until it is due', async () => {
    target = await startScriptedTarget();
    const origin = destinationOf(new URL(target.url));
    await s.producer.destinations.set(origin, { rate_limit: { max: 1, per_seconds: 6 } });
    const { admits, ids } = await runTwoWatchingTheHeld(target, WATCH_MS / 2, 'its time');
    expect(target.arrivals).toHaveLength(2);
    // The second's call reserved its time; it may ask once more when it comes due.
    expectCallsPerExecution(admits, ids);
  });
});
