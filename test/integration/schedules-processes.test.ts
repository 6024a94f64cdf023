import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../shared/config.js';
import type { Schedule } from '../../shared/schedule-settings.js';
import { startArrivalsTarget, type ArrivalsTarget } from '../helpers/arrivals-target.js';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/free-port.js';
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

/**
 * Each tick ran once: every arrival at the target is claimed by exactly one
 * completed execution, and the executions' due times are distinct whole
 * seconds apart (a duplicate would be an arrival no execution claims, or
 * two executions of one due time).
 */
function expectOncePerTick(
  target: ArrivalsTarget,
  ticks: { due: number; arrival: number }[],
): void {
  const arrivals = target.at(TICK).length;
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
  let target: ArrivalsTarget;
  let fleet: Fleet;
  let queue: TestQueue;

  beforeAll(async () => {
    config = testConfig();
    target = await startArrivalsTarget();
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
    await target.waitFor(TICK, 6, 30_000);
    const observed = await eventually(async () => {
      const ticks = await completedTicks(queue);
      return ticks.length >= 6 && ticks;
    }, 'six completed ticks');
    const arrivals = target.at(TICK);
    const spanSeconds = (arrivals.at(-1)!.at - arrivals[0]!.at) / 1000;
    expect(arrivals.length).toBeLessThanOrEqual(Math.round(spanSeconds) + 2);
    // Fewer on a loaded machine (a tick found late is run once, the missed ones skipped), never more.
    expect(arrivals.length).toBeGreaterThanOrEqual(Math.floor(spanSeconds * 0.5));
    expectOncePerTick(target, await completedTicks(queue));
    expect(observed.length).toBeGreaterThanOrEqual(6);

    // All four stop (each exits 0), stay down a while, start again: the runs go on.
    expect(await fleet.stop()).toEqual([0, 0, 0, 0]);
    const beforeRestart = target.at(TICK).length;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(target.at(TICK).length).toBe(beforeRestart);
    const restartedAt = Date.now();
    await fleet.start();
    await target.waitFor(TICK, beforeRestart + 5, 30_000);
    const afterRestart = target.at(TICK).filter((a) => a.at >= restartedAt);
    const restartSpan = (afterRestart.at(-1)!.at - afterRestart[0]!.at) / 1000;
    // The tick due while all were down runs once on restart; then once a second again.
    expect(afterRestart.length).toBeLessThanOrEqual(Math.round(restartSpan) + 2);
    await eventually(
      async () => (await completedTicks(queue)).length === target.at(TICK).length,
      'every arrival completed',
    );
    expectOncePerTick(target, await completedTicks(queue));

    // Removed through the other API process: no run after a settle time.
    expect((await fleet.call(1, 'DELETE', '/api/schedules/tick')).status).toBe(204);
    expect((await fleet.call(0, 'GET', '/api/schedules/tick')).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const afterRemoval = target.at(TICK).length;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(target.at(TICK).length).toBe(afterRemoval);
    expect(await queue.getJobCounts('delayed', 'waiting', 'active')).toEqual({
      delayed: 0,
      waiting: 0,
      active: 0,
    });
  }, 120_000);
});
