import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../shared/config.js';
import type { Schedule } from '../../shared/schedule-settings.js';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/free-port.js';
import { startScriptedTarget, type ScriptedTarget } from '../helpers/scripted-target.js';
import { startTaskrest, type TaskrestProcess } from '../helpers/taskrest-process.js';
import { deleteTestKeys, envOf, testConfig } from '../helpers/test-config.js';
import { TestQueue } from '../helpers/test-queue.js';
import { startWorkerProcess } from '../helpers/worker-process.js';
import { jsonCall } from '../helpers/json-call.js';

const TOKEN = 'schedules-processes-token';
const TICK = '/tick';

/** Two `taskrest worker` and two `taskrest api` processes on one configuration. */
class Fleet {
  processes: TaskrestProcess[] = [];
  readonly apiUrls: string[] = [];

  constructor(private readonly config: Config) {}

  async start(): Promise<void> {
    const ports = this.apiUrls.length > 0 ? this.apiUrls.map((u) => Number(new URL(u).port)) : [];
    if (ports.length === 0) {
      for (let i = 0; i < 2; i++) {
        const port = await freePort();
        ports.push(port);
        this.apiUrls.push(`http://127.0.0.1:${port}`);
      }
    }
    const apis = ports.map((port) =>
      startTaskrest(['api'], envOf(this.config, { PORT: String(port), API_TOKENS: TOKEN })),
    );
    const workers = await Promise.all([
      startWorkerProcess(this.config),
      startWorkerProcess(this.config),
    ]);
    await Promise.all(apis.map((api) => api.waitFor(/listening on/)));
    this.processes = [...workers, ...apis];
  }

  /** SIGTERM to all four at once; each exits 0. */
  async stop(): Promise<(number | null)[]> {
    const codes = await Promise.all(this.processes.map((p) => p.stop()));
    this.processes = [];
    return codes;
  }

  call(api: number, method: string, path: string, body?: unknown) {
    return jsonCall(this.apiUrls[api]!, method, path, body, TOKEN);
  }
}

/** The schedule's completed executions: BullMQ jobs `repeat:tick:<due ms>`, with the arrival each answered. */
async function completedTicks(queue: TestQueue): Promise<{ due: number; arrival: number }[]> {
  const jobs = await queue.getJobs(['completed'], 0, -1);
  return jobs
    .filter((job) => job.id?.startsWith('repeat:tick:'))
    .map((job) => ({
      due: Number(job.id!.split(':')[2]),
      // Read as any BullMQ consumer reads an output: `json` is not stored, `text` is.
      arrival: (JSON.parse((job.returnvalue as { text: string }).text) as { arrival: number })
        .arrival,
    }))
    .sort((a, b) => a.due - b.due);
}

/** The requests that reached the target so far, and the completed executions, read together. */
interface TickSnapshot {
  arrivals: number;
  ticks: { due: number; arrival: number }[];
}

/**
 * Waits for a moment when every arrival so far has completed: the schedule
 * goes on running, and an arrival's execution completes a little after it,
 * so a count read at any other moment may be one short.
 */
function settledTicks(target: ScriptedTarget, queue: TestQueue): Promise<TickSnapshot> {
  return eventually(async () => {
    const arrivals = target.arrivalsOf({ path: TICK }).length;
    const ticks = await completedTicks(queue);
    return ticks.length === arrivals && { arrivals, ticks };
  }, 'every arrival completed');
}

/**
 * Each tick ran once: every arrival at the target is claimed by exactly one
 * completed execution, and the executions' due times are distinct whole
 * seconds apart (a duplicate would be an arrival no execution claims, or
 * two executions of one due time).
 */
function expectOncePerTick({ arrivals, ticks }: TickSnapshot): void {
  const claimed = ticks.map((t) => t.arrival).sort((a, b) => a - b);
  expect(new Set(claimed).size).toBe(claimed.length);
  expect(claimed.length).toBe(arrivals);
  expect(new Set(ticks.map((t) => t.due)).size).toBe(ticks.length);
  for (let i = 1; i < ticks.length; i++) {
    const step = ticks[i]!.due - ticks[i - 1]!.due;
    expect(step % 1000, `due times ${ticks[i - 1]!.due} → ${ticks[i]!.due}`).toBe(0);
    expect(step).toBeGreaterThan(0);
  }
}

describe('a schedule every second, with 2 worker and 2 API processes', () => {
  let config: Config;
  let target: ScriptedTarget;
  let fleet: Fleet;
  let queue: TestQueue;

  beforeAll(async () => {
    config = testConfig();
    // Each answer numbers its request, so that a completed execution names the arrival it made.
    target = await startScriptedTarget({
      reply: (arrival) => ({ body: { arrival: arrival.index + 1 } }),
    });
    fleet = new Fleet(config);
    await fleet.start();
    queue = new TestQueue(config);
  }, 60_000);
  afterAll(async () => {
    await fleet?.stop();
    await queue?.close();
    await target?.close();
    if (config) await deleteTestKeys(config);
  });

  it('runs once a second, survives a restart of all four processes, and stops when removed', async () => {
    const put = await fleet.call(0, 'PUT', '/api/schedules/tick', {
      task: { url: `${target.url}${TICK}` },
      every_seconds: 1,
    });
    expect(put.status).toBe(200);
    expect((put.body as Schedule).next_run_at).toEqual(expect.any(String));
    // The other API process sees the same schedule.
    expect((await fleet.call(1, 'GET', '/api/schedules/tick')).status).toBe(200);

    // About once a second over an observed span, never twice per tick.
    await target.waitFor(6, { path: TICK, timeoutMs: 30_000 });
    const observed = await eventually(async () => {
      const ticks = await completedTicks(queue);
      return ticks.length >= 6 && ticks;
    }, 'six completed ticks');
    const arrivals = target.arrivalsOf({ path: TICK });
    const spanSeconds = (arrivals.at(-1)!.wallClockAt - arrivals[0]!.wallClockAt) / 1000;
    expect(arrivals.length).toBeLessThanOrEqual(Math.round(spanSeconds) + 2);
    // Fewer on a loaded machine (a tick found late is run once, the missed ones skipped), never more.
    expect(arrivals.length).toBeGreaterThanOrEqual(Math.floor(spanSeconds * 0.5));
    expectOncePerTick(await settledTicks(target, queue));
    expect(observed.length).toBeGreaterThanOrEqual(6);

    // All four stop (each exits 0), stay down a while, start again: the runs go on.
    expect(await fleet.stop()).toEqual([0, 0, 0, 0]);
    const beforeRestart = target.arrivalsOf({ path: TICK }).length;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(target.arrivalsOf({ path: TICK }).length).toBe(beforeRestart);
    const restartedAt = Date.now();
    await fleet.start();
    await target.waitFor(beforeRestart + 5, { path: TICK, timeoutMs: 30_000 });
    const afterRestart = target
      .arrivalsOf({ path: TICK })
      .filter((a) => a.wallClockAt >= restartedAt);
    const restartSpan = (afterRestart.at(-1)!.wallClockAt - afterRestart[0]!.wallClockAt) / 1000;
    // The tick due while all were down runs once on restart; then once a second again.
    expect(afterRestart.length).toBeLessThanOrEqual(Math.round(restartSpan) + 2);
    expectOncePerTick(await settledTicks(target, queue));

    // Removed through the other API process: no run after a settle time.
    expect((await fleet.call(1, 'DELETE', '/api/schedules/tick')).status).toBe(204);
    expect((await fleet.call(0, 'GET', '/api/schedules/tick')).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const afterRemoval = target.arrivalsOf({ path: TICK }).length;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(target.arrivalsOf({ path: TICK }).length).toBe(afterRemoval);
    expect(await queue.getJobCounts('delayed', 'waiting', 'active')).toEqual({
      delayed: 0,
      waiting: 0,
      active: 0,
    });
  }, 120_000);
});
