import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskProducer } from '../../../producer/task-producer.js';
import { producerOptionsOf } from '../../../producer/task-producer-options.js';
import type { Config } from '../../../shared/config.js';
import type { ExecutionPage } from '../../../shared/history/execution-history.js';
import type {
  ExecutionRecord,
  ExecutionSummary,
} from '../../../shared/history/execution-record.js';
import { eventually } from '../../helpers/eventually.js';
import {
  freshPostgresDatabase,
  type TestHistoryDatabase,
} from '../../helpers/history-databases.js';
import {
  startApiProcess,
  startRecordingWorkers,
  type ApiProcess,
} from '../../helpers/history-system.js';
import { jsonCall } from '../../helpers/json-call.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';
import { TestQueue } from '../../helpers/test-queue.js';
import { deleteTestKeys, testConfig } from '../../helpers/test-config.js';
import type { WorkerProcess } from '../../helpers/worker-process.js';

const run = promisify(execFile);

/*
 * The history end to end, in real processes: two `taskrest worker`s append
 * records, a `taskrest api` records them into the machine's PostgreSQL and
 * answers GET /api/executions from there. 60 executions: 40 completed
 * against origin A (10 under a flow key, 2 made by a schedule, one with a
 * needle in its URL), 20 failed
 * against origin B (10 with 503, 10 with 404), in two halves around a
 * moment `split`.
 */
describe('history end to end', () => {
  let db: TestHistoryDatabase;
  let config: Config;
  let api: ApiProcess;
  let workers: WorkerProcess[];
  let producer: TaskProducer;
  let a: ScriptedTarget;
  let b: ScriptedTarget;
  const ids = { completed: [] as string[], failed: [] as string[], flow: [] as string[] };
  const halves = { first: [] as string[], second: [] as string[] };
  const by503: string[] = [];
  const scheduled: string[] = [];
  let needle = '';
  let split = '';

  const list = async (query: string): Promise<ExecutionSummary[]> => {
    const answer = await jsonCall(api.url, 'GET', `/api/executions?limit=500&${query}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.source).toBe('history');
    return answer.body.executions as ExecutionSummary[];
  };
  const idsOf = (query: string) =>
    list(query).then((found) => found.map((e) => String(e.execution_id)).sort());
  const sorted = (values: string[]) => [...values].sort();

  async function finishHalf(half: 'first' | 'second', completed: number): Promise<void> {
    const made: string[] = [];
    for (let i = 0; i < completed; i++) {
      const flowKey = i % 4 === 0 ? { flowKey: 'tenant-a' } : {};
      const { executionId } = await producer.enqueue({ url: `${a.url}/ok/${half}-${i}` }, flowKey);
      ids.completed.push(String(executionId));
      if (flowKey.flowKey) ids.flow.push(String(executionId));
      made.push(String(executionId));
    }
    for (let i = 0; i < 10; i++) {
      const path = i % 2 === 0 ? '/unavailable' : `/missing/${half}-${i}`;
      const { executionId } = await producer.enqueue({
        url: `${b.url}${path}`,
        retry_status_code: [],
      });
      ids.failed.push(String(executionId));
      if (i % 2 === 0) by503.push(String(executionId));
      made.push(String(executionId));
    }
    for (const id of made) await producer.waitForResult(id, { timeoutMs: 30_000 });
    halves[half].push(...made);
  }

  beforeAll(async () => {
    db = await freshPostgresDatabase();
    const url = (db.location as { url: string }).url;
    config = testConfig();
    a = await startScriptedTarget({ reply: 200 });
    b = await startScriptedTarget({ routes: { '/unavailable': 503 }, reply: 404 });
    api = await startApiProcess(config, url);
    workers = await startRecordingWorkers(config, url, 2);
    producer = new TaskProducer(producerOptionsOf(config));
    await finishHalf('first', 19);
    // The schedule's two runs, and a needle for `q`, belong to the first half.
    await producer.schedules.set('every-second', {
      task: { url: `${a.url}/scheduled` },
      everySeconds: 1,
      limit: 2,
    });
    const { executionId } = await producer.enqueue({ url: `${a.url}/needle-in-the-haystack` });
    await producer.waitForResult(executionId, { timeoutMs: 30_000 });
    needle = String(executionId);
    ids.completed.push(needle);
    halves.first.push(needle);
    const queue = new TestQueue(config);
    try {
      const runs = await eventually(async () => {
        const done = await queue.getCompleted();
        const mine = done.filter((job) => job.id?.startsWith('repeat:every-second:'));
        return mine.length === 2 && mine.map((job) => job.id!);
      }, 'the schedule ran twice');
      scheduled.push(...runs);
    } finally {
      await queue.close();
    }
    ids.completed.push(...scheduled);
    halves.first.push(...scheduled);
    await producer.schedules.remove('every-second');
    await new Promise((resolve) => setTimeout(resolve, 20));
    split = new Date().toISOString();
    await finishHalf('second', 18);
    let recorded = 0;
    await eventually(
      async () => (recorded = (await list('')).length) === 60,
      () => `all 60 recorded (${recorded} were)`,
      { timeoutMs: 30_000 },
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all((workers ?? []).map((w) => w.stop()));
    await api?.stop();
    await producer?.close();
    await Promise.all([a?.close(), b?.close()]);
    await db?.destroy();
    if (config) await deleteTestKeys(config);
  });

  it('pages of 25 list each execution exactly once, newest first', async () => {
    const seen: ExecutionSummary[] = [];
    let cursor = '';
    const sizes: number[] = [];
    do {
      const answer = await jsonCall(
        api.url,
        'GET',
        `/api/executions?limit=25${cursor ? `&cursor=${cursor}` : ''}`,
      );
      const page = answer.body as ExecutionPage;
      sizes.push(page.executions.length);
      seen.push(...page.executions);
      cursor = page.next_cursor ?? '';
    } while (cursor);
    expect(sizes).toEqual([25, 25, 10]);
    const listed = seen.map((e) => String(e.execution_id));
    expect(new Set(listed).size).toBe(60);
    expect(sorted(listed)).toEqual(sorted([...ids.completed, ...ids.failed]));
    const finished = seen.map((e) => Date.parse(e.finished_at));
    expect(finished).toEqual([...finished].sort((x, y) => y - x));
  });

  it('each filter returns exactly the expected executions', async () => {
    const origin = (t: ScriptedTarget) => encodeURIComponent(new URL(t.url).origin);
    expect(await idsOf('state=completed')).toEqual(sorted(ids.completed));
    expect(await idsOf('state=failed')).toEqual(sorted(ids.failed));
    expect(await idsOf(`origin=${origin(a)}`)).toEqual(sorted(ids.completed));
    expect(await idsOf(`origin=${origin(b)}&state=failed`)).toEqual(sorted(ids.failed));
    expect(await idsOf('status_code=503')).toEqual(sorted(by503));
    expect(await idsOf(`since=${split}`)).toEqual(sorted(halves.second));
    expect(await idsOf(`until=${split}`)).toEqual(sorted(halves.first));
    expect(await idsOf('q=NEEDLE-in-the')).toEqual([needle]);
    expect(await idsOf('q=Service%20Unavailable')).toEqual(sorted(by503));
    expect(await idsOf('flow_key=tenant-a')).toEqual(sorted(ids.flow));
    expect(await idsOf('schedule=every-second')).toEqual(sorted(scheduled));
  });

  it('still lists executions whose jobs Redis has removed', async () => {
    const queue = new TestQueue(config);
    try {
      await queue.clean(0, 1000, 'completed');
      await queue.clean(0, 1000, 'failed');
      expect(await queue.getJobCountByTypes('completed', 'failed')).toBe(0);
    } finally {
      await queue.close();
    }
    expect(await idsOf('')).toEqual(sorted([...ids.completed, ...ids.failed]));
    const runs = await jsonCall(
      api.url,
      'GET',
      `/api/executions/${ids.failed[0]}/runs?queue=${config.queueName}`,
    );
    expect(runs.body.runs[0].output.status_code).toBe(by503.includes(ids.failed[0]!) ? 503 : 404);
  });

  it('a replayed execution shows run 1 failed and run 2 completed', async () => {
    let healthy = false;
    const flaky = await startScriptedTarget({ reply: () => (healthy ? 200 : 500) });
    try {
      const { executionId } = await producer.enqueue({
        url: `${flaky.url}/flaky`,
        retry_status_code: [],
      });
      await producer.waitForResult(executionId, { timeoutMs: 30_000 });
      healthy = true;
      const retried = await jsonCall(api.url, 'POST', `/api/tasks/${executionId}/retry`);
      expect(retried.status).toBe(200);
      const runs = await eventually(
        async () => {
          const answer = await jsonCall(api.url, 'GET', `/api/executions/${executionId}/runs`);
          const found = (answer.body as { runs?: ExecutionRecord[] } | undefined)?.runs;
          return found?.length === 2 && found;
        },
        'run 2 recorded',
        { timeoutMs: 30_000 },
      );
      expect(runs.map((r) => [r.run, r.state, r.status_code])).toEqual([
        [1, 'failed', 500],
        [2, 'completed', 200],
      ]);
    } finally {
      await flaky.close();
    }
  });

  it('writes no secret of a task to PostgreSQL: a dump holds none of them, and holds a control string', async () => {
    const echo = await startScriptedTarget({
      reply: (arrival) => ({ body: { seen: arrival.url, headers: arrival.headers } }),
    });
    try {
      const port = new URL(echo.url).port;
      const tasks = [
        {
          url: `${echo.url}/control-string-alpha?token=tok-3f9a7c1e&page=1`,
          headers: { Authorization: 'Bearer hdr-5be21d07c4' },
        },
        {
          url: `http://robot:pw-8d6e02aa91@127.0.0.1:${port}/control-string-beta?token=tok-3f9a7c1e`,
        },
      ];
      for (const task of tasks) {
        const { executionId } = await producer.enqueue(task);
        await producer.waitForResult(executionId, { timeoutMs: 30_000 });
      }
      await eventually(async () => (await idsOf('q=control-string')).length === 2, 'both recorded');
      const url = (db.location as { url: string }).url;
      const { stdout: dump } = await run('pg_dump', ['--data-only', url], { maxBuffer: 64 << 20 });
      expect(dump).toContain('control-string-alpha');
      expect(dump).toContain('control-string-beta');
      for (const secret of [
        'tok-3f9a7c1e',
        'hdr-5be21d07c4',
        'pw-8d6e02aa91',
        'cm9ib3Q6cHctOGQ2ZTAyYWE5MQ',
      ]) {
        expect(dump).not.toContain(secret);
      }
    } finally {
      await echo.close();
    }
  });
});
