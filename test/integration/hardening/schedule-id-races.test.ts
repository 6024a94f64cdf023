import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskProducer } from '../../../producer/index.js';
import { producerOptionsOf } from '../../../producer/task-producer-options.js';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';
import { eventually } from '../../helpers/eventually.js';
import { jsonCall } from '../../helpers/json-call.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';
import { TestQueue } from '../../helpers/test-queue.js';
import { startWorkerProcess, type WorkerProcess } from '../../helpers/worker-process.js';

/** Rounds of each race: a new id set on two queues at once, then moved by two at once. */
const ROUNDS = 20;
/** Long enough that only the first run, due at once, happens during the test. */
const EVERY_SECONDS = 3600;

/**
 * A schedule id is unique across queues however its writes interleave: two
 * PUTs of one id to two queues at once leave it in exactly one queue, the
 * last writer's, listed once, running once, and removed by one DELETE. Each
 * race is run many times over (fresh ids), since one try often misses it.
 */
describe('one schedule id set on two queues at once ends up in exactly one', () => {
  let h: ApiHarness;
  let target: ScriptedTarget;
  let queues: [TestQueue, TestQueue];
  let names: [string, string];

  beforeAll(async () => {
    target = await startScriptedTarget();
    // No worker while the PUTs race: every copy's first run stays pending until checked.
    h = await startApiHarness({}, { worker: false });
    names = [h.config.queueName, `${h.config.queueName}-other`];
    queues = [new TestQueue(h.config, names[0]), new TestQueue(h.config, names[1])];
  });
  afterAll(async () => {
    await Promise.all(queues?.map((q) => q.close()) ?? []);
    await h?.close();
    await target?.close();
  });

  const call = (method: string, path: string, body?: unknown) =>
    jsonCall(h.url, method, path, body);
  /** The settings that put `id` on queue `index`; its runs go to `/<id>/<index>`. */
  const settingsOf = (id: string, index: number) => ({
    task: { url: `${target.url}/${id}/${index}` },
    every_seconds: EVERY_SECONDS,
    queue: names[index],
  });

  /** The queues (by index) that hold a job scheduler of `id`. */
  async function holders(id: string): Promise<number[]> {
    const found = await Promise.all(queues.map(async (q) => (await q.getJobScheduler(id)) != null));
    return found.flatMap((held, index) => (held ? [index] : []));
  }

  /** What is wrong with `id` after a race (empty when nothing is): listed once, held by one queue. */
  async function issuesOf(id: string, race: string): Promise<string[]> {
    const listed = ((await call('GET', '/api/schedules')).body as { id: string; queue: string }[])
      .filter((s) => s.id === id)
      .map((s) => s.queue);
    const held = await holders(id);
    const issues: string[] = [];
    if (listed.length !== 1) issues.push(`${race}: ${id} listed ${listed.length} times`);
    if (held.length !== 1) issues.push(`${race}: ${id} held by ${held.length} queues`);
    if (listed.length === 1 && held.length === 1 && listed[0] !== names[held[0]!]) {
      issues.push(`${race}: ${id} listed on ${listed[0]} but held by ${names[held[0]!]}`);
    }
    return issues;
  }

  /** Every run of each id due now has run; nothing else is due within the next 10 minutes. */
  async function quiet(): Promise<void> {
    await eventually(
      async () => {
        for (const q of queues) {
          const c = await q.getJobCounts('waiting', 'active', 'prioritized');
          if ((c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0) > 0) return false;
          const delayed = await q.getDelayed();
          if (delayed.some((j) => j.timestamp + j.delay < Date.now() + 600_000)) return false;
        }
        return true;
      },
      'every run due now has run',
      { timeoutMs: 60_000 },
    );
  }

  it(`through the API: ${ROUNDS} ids, each PUT to two queues at once: listed once, run once, one DELETE removes it`, async () => {
    const ids = Array.from({ length: ROUNDS }, (_, round) => `api-race-${round}`);
    const issues: string[] = [];
    for (const id of ids) {
      const answers = await Promise.all(
        [0, 1].map((index) => call('PUT', `/api/schedules/${id}`, settingsOf(id, index))),
      );
      issues.push(...answers.filter((a) => a.status !== 200).map((a) => `${id}: PUT ${a.status}`));
      issues.push(...(await issuesOf(id, 'set')));
    }

    // Every copy left runs its first run, due at once, when a worker comes.
    const worker: WorkerProcess = await startWorkerProcess(h.config, {
      TASKREST_QUEUES: names.join(','),
    });
    try {
      await target.waitFor(ids.length, { timeoutMs: 60_000 });
      await quiet();
    } finally {
      await worker.stop('SIGKILL');
    }
    for (const id of ids) {
      const runs = target
        .arrivalsOf({ prefix: `/${id}/` })
        .map((a) => Number(a.path.split('/')[2]));
      if (runs.length !== 1) issues.push(`${id}: ran ${runs.length} times`);
      const held = await holders(id);
      if (runs.length === 1 && held.length === 1 && runs[0] !== held[0]) {
        issues.push(`${id}: ran on ${names[runs[0]!]}, held by ${names[held[0]!]}`);
      }
    }

    for (const id of ids) {
      const removed = await call('DELETE', `/api/schedules/${id}`);
      if (removed.status !== 204) issues.push(`${id}: DELETE ${removed.status}`);
      if ((await call('GET', `/api/schedules/${id}`)).status !== 404) {
        issues.push(`${id}: still there after one DELETE`);
      }
      if ((await holders(id)).length > 0) issues.push(`${id}: still held after one DELETE`);
    }
    expect(issues).toEqual([]);
  }, 180_000);

  it(`through the API: ${ROUNDS} schedules, each moved by two PUTs to two queues at once: both 200, kept once`, async () => {
    const issues: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const id = `api-move-${round}`;
      expect((await call('PUT', `/api/schedules/${id}`, settingsOf(id, round % 2))).status).toBe(
        200,
      );
      const answers = await Promise.all(
        [1, 0].map((index) => call('PUT', `/api/schedules/${id}`, settingsOf(id, index))),
      );
      issues.push(...answers.filter((a) => a.status !== 200).map((a) => `${id}: PUT ${a.status}`));
      issues.push(...(await issuesOf(id, 'move')));
      await call('DELETE', `/api/schedules/${id}`);
      if ((await holders(id)).length > 0) issues.push(`${id}: still held after one DELETE`);
    }
    expect(issues).toEqual([]);
  }, 180_000);

  it(`the library, from two producers: ${ROUNDS} ids set on two queues at once, then moved by two at once; one remove removes it`, async () => {
    const producers = [0, 1].map(() => new TaskProducer(producerOptionsOf(h.config)));
    try {
      const ids = Array.from({ length: ROUNDS }, (_, round) => `library-race-${round}`);
      const issues: string[] = [];
      for (const id of ids) {
        for (const race of ['create', 'move']) {
          const set = await Promise.allSettled(
            producers.map((p, index) => {
              const { task, queue } = settingsOf(id, index);
              return p.schedules.set(id, { task, queue, everySeconds: EVERY_SECONDS });
            }),
          );
          for (const one of set) {
            if (one.status === 'rejected') issues.push(`${race} ${id}: ${String(one.reason)}`);
          }
          issues.push(...(await issuesOf(id, race)));
        }
        await producers[0]!.schedules.remove(id).catch((e: unknown) => issues.push(String(e)));
        if ((await holders(id)).length > 0) issues.push(`${id} still held after one remove`);
      }
      expect(issues).toEqual([]);
    } finally {
      await Promise.all(producers.map((p) => p.close()));
    }
  }, 180_000);

  it('a schedule an earlier version left on both queues: one PUT keeps it on one, one DELETE removes every copy', async () => {
    const template = (id: string) => ({ name: 'rest-task', data: { url: `${target.url}/${id}` } });
    for (const id of ['left-twice-put', 'left-twice-delete']) {
      for (const q of queues) await q.upsertJobScheduler(id, { every: 3_600_000 }, template(id));
      expect(await holders(id)).toEqual([0, 1]);
    }
    const put = await call('PUT', '/api/schedules/left-twice-put', settingsOf('left-twice-put', 1));
    expect(put.status).toBe(200);
    expect(await holders('left-twice-put')).toEqual([1]);
    expect((await call('DELETE', '/api/schedules/left-twice-delete')).status).toBe(204);
    expect(await holders('left-twice-delete')).toEqual([]);
    expect((await call('DELETE', '/api/schedules/left-twice-put')).status).toBe(204);
  });
});
