/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument --
   JSON answers, looked into freely */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ErrorCode,
  InvalidScheduleError,
  ScheduleNotFoundError,
  TaskProducer,
} from '../../producer/index.js';
import { producerOptionsOf } from '../../producer/task-producer-options.js';
import { META_KEY } from '../../shared/job-envelope.js';
import { startApiHarness, type ApiHarness } from '../helpers/api-harness.js';
import { eventually } from '../helpers/eventually.js';
import { runCli } from '../helpers/run-cli.js';
import { startScriptedTarget, type ScriptedTarget } from '../helpers/scripted-target.js';
import { envOf } from '../helpers/test-config.js';
import { TestQueue } from '../helpers/test-queue.js';
import { jsonCall } from '../helpers/json-call.js';

const TOKEN = 'schedules-test-token';
const KEY = randomBytes(32).toString('hex');

let h: ApiHarness;
let target: ScriptedTarget;

beforeAll(async () => {
  target = await startScriptedTarget();
  h = await startApiHarness({ API_TOKENS: TOKEN, TASKREST_SECRET_KEY: KEY });
});
afterAll(async () => {
  await h?.close();
  await target?.close();
});

const call = (method: string, path: string, body?: unknown) =>
  jsonCall(h.url, method, path, body, TOKEN);

/** The ids of every schedule the API lists. */
const listedIds = async () =>
  ((await call('GET', '/api/schedules')).body as { id: string }[]).map((s) => s.id);

describe('a cron schedule: next_run_at in its time zone, computed', () => {
  it.each([
    // Spring: 2027-03-28 02:00 CET → 03:00 CEST.
    ['2027-03-27T00:00:00Z', '2027-03-27T08:00:00.000Z'], // Saturday 09:00 CET = 08:00 UTC
    ['2027-03-27T12:00:00Z', '2027-03-28T07:00:00.000Z'], // Sunday 09:00 CEST = 07:00 UTC
    // Autumn: 2027-10-31 03:00 CEST → 02:00 CET.
    ['2027-10-30T00:00:00Z', '2027-10-30T07:00:00.000Z'], // Saturday 09:00 CEST
    ['2027-10-30T12:00:00Z', '2027-10-31T08:00:00.000Z'], // Sunday 09:00 CET
  ])('"0 9 * * *" in Europe/Vienna from %s: next run %s', async (startAt, next) => {
    const id = `vienna-${startAt.slice(0, 13).replace(/\D/g, '')}`;
    const put = await call('PUT', `/api/schedules/${id}`, {
      task: { url: `${target.url}/never` },
      cron: '0 9 * * *',
      tz: 'Europe/Vienna',
      start_at: startAt,
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      id,
      queue: h.config.queueName,
      cron: '0 9 * * *',
      tz: 'Europe/Vienna',
      every_seconds: null,
      start_at: new Date(startAt).toISOString(),
      next_run_at: next,
    });
    // BullMQ's delayed job is due then: the schedule's next execution.
    const job = await h.queue.getJob(`repeat:${id}:${Date.parse(next)}`);
    expect(await job?.getState()).toBe('delayed');
    expect((await call('DELETE', `/api/schedules/${id}`)).status).toBe(204);
    expect(await h.queue.getJob(`repeat:${id}:${Date.parse(next)}`)).toBeUndefined();
  });
});

describe('bad schedules are refused naming the field, and nothing is stored', () => {
  const task = { url: 'http://127.0.0.1:9/x' };
  it.each([
    ['both cron and every_seconds', { task, cron: '* * * * *', every_seconds: 5 }, 'every_seconds'],
    ['neither cron nor every_seconds', { task }, 'cron'],
    ['a bad cron expression', { task, cron: '61 * * * *' }, 'cron'],
    ['an unknown time zone', { task, cron: '0 9 * * *', tz: 'Mars/Olympus_Mons' }, 'tz'],
    ['a time zone without cron', { task, every_seconds: 5, tz: 'UTC' }, 'tz'],
    [
      'an invalid task inside',
      { task: { url: 'x', method: 'fetch' }, every_seconds: 5 },
      'task.method',
    ],
    ['no task', { every_seconds: 5 }, 'task'],
    ['an end in the past', { task, every_seconds: 5, end_at: '2020-01-01T00:00:00Z' }, 'end_at'],
    ['a bad time', { task, every_seconds: 5, start_at: 'tomorrow' }, 'start_at'],
    ['a limit of 0', { task, every_seconds: 5, limit: 0 }, 'limit'],
    ['an unknown field', { task, every_seconds: 5, evry: 3 }, 'evry'],
    ['a user (the bearer token names it)', { task, every_seconds: 5, user: 'alice' }, 'user'],
    ['a bad queue name', { task, every_seconds: 5, queue: 'a b' }, 'queue'],
  ])('%s', async (_what, body, field) => {
    const r = await call('PUT', '/api/schedules/refused', body);
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid schedule');
    expect(r.body.issues.map((i: { path: string }) => i.path)).toContain(field);
    expect((await call('GET', '/api/schedules/refused')).status).toBe(404);
    expect(await listedIds()).not.toContain('refused');
    expect(await h.queue.getJobSchedulersCount()).toBe(0);
  });

  it('a bad id is refused naming `id`; an unknown one is 404 on GET and DELETE', async () => {
    const r = await call('PUT', '/api/schedules/a:b', { task, every_seconds: 5 });
    expect(r.status).toBe(400);
    expect(r.body.issues).toEqual([{ path: 'id', message: expect.any(String) }]);
    expect((await call('GET', '/api/schedules/nope')).body).toMatchObject({ error: 'not found' });
    expect((await call('DELETE', '/api/schedules/nope')).status).toBe(404);
  });
});

describe('runs', () => {
  it('a limit of 2 runs twice and no more', async () => {
    const put = await call('PUT', '/api/schedules/twice', {
      task: { url: `${target.url}/twice` },
      every_seconds: 1,
      limit: 2,
    });
    expect(put).toMatchObject({ status: 200, body: { every_seconds: 1, limit: 2 } });
    await target.waitFor(2, { path: '/twice' });
    // After the second run BullMQ made no next execution: nothing is pending.
    const done = await eventually(async () => {
      const one = (await call('GET', '/api/schedules/twice')).body;
      const finished = one.executions.filter((e: any) => e.state === 'completed');
      return one.next_run_at === null && finished.length === 2 && one;
    }, 'two completed executions and none pending');
    expect(done.executions).toHaveLength(2);
    // Two more intervals and a half: still two.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(target.arrivalsOf({ path: '/twice' })).toHaveLength(2);
    expect(await h.queue.getJobCounts('delayed', 'waiting', 'active')).toEqual({
      delayed: 0,
      waiting: 0,
      active: 0,
    });
    await call('DELETE', '/api/schedules/twice');
  });

  it.each([
    ['until-cron', { cron: '* * * * * *' }],
    ['until-every', { every_seconds: 1 }],
  ])('an end_at is honoured: no run of %s is due after it', async (id, timing) => {
    const endAt = Date.now() + 2500;
    const put = await call('PUT', `/api/schedules/${id}`, {
      task: { url: `${target.url}/${id}` },
      ...timing,
      end_at: new Date(endAt).toISOString(),
    });
    expect(put.body.end_at).toBe(new Date(endAt).toISOString());
    await target.waitFor(2, { path: `/${id}` });
    // Past end_at, the schedule settles with nothing pending, nothing running.
    const ended = await eventually(async () => {
      if (Date.now() < endAt + 500) return false;
      const one = (await call('GET', `/api/schedules/${id}`)).body;
      const counts = await h.queue.getJobCounts('delayed', 'waiting', 'active');
      const idle = Object.values(counts).every((n) => n === 0);
      return one.next_run_at === null && idle && one;
    }, 'no next run after end_at');
    const due = ended.executions.map((e: any) => Date.parse(e.run_at));
    expect(due.length).toBeGreaterThanOrEqual(2);
    for (const at of due) expect(at).toBeLessThanOrEqual(endAt);
    expect(target.arrivalsOf({ path: `/${id}` })).toHaveLength(due.length);
    await call('DELETE', `/api/schedules/${id}`);
  });

  it('an interval whose end_at is less than one interval away runs once', async () => {
    const endAt = new Date(Date.now() + 20_000).toISOString();
    const put = await call('PUT', '/api/schedules/once', {
      task: { url: `${target.url}/once` },
      every_seconds: 3600,
      end_at: endAt,
    });
    expect(put.body).toMatchObject({ every_seconds: 3600, limit: 1, end_at: null });
    await target.waitFor(1, { path: '/once' });
    const one = await eventually(async () => {
      const body = (await call('GET', '/api/schedules/once')).body;
      return body.executions.some((e: any) => e.state === 'completed') && body;
    }, 'its run completed');
    expect(one.next_run_at).toBeNull();
    expect(one.executions).toHaveLength(1);
    await call('DELETE', '/api/schedules/once');
  });

  it('each run is an ordinary execution of its queue, with the task sealed as an enqueued one', async () => {
    const queue = 'sched-other';
    const put = await call('PUT', '/api/schedules/sealed', {
      task: {
        url: `${target.url}/sealed`,
        headers: { authorization: 'Bearer very-secret-value' },
      },
      every_seconds: 60,
      queue,
    });
    expect(put.status).toBe(200);
    expect(put.body.queue).toBe(queue);
    expect(put.body.task.headers.authorization).toBe('[REDACTED]');
    // The first run is due at once; the worker finds the new queue in the registry.
    await target.waitFor(1, { path: '/sealed' });
    expect(target.arrivalsOf({ path: '/sealed' })[0]!.headers.authorization).toBe(
      'Bearer very-secret-value',
    );
    const other = new TestQueue(h.config, queue);
    try {
      const one = await eventually(async () => {
        const body = (await call('GET', '/api/schedules/sealed')).body;
        return body.executions.some((e: any) => e.state === 'completed') && body;
      }, 'a completed execution');
      const run = one.executions.find((e: any) => e.state === 'completed');
      expect(run).toMatchObject({
        execution_id: expect.stringMatching(/^repeat:sealed:\d+$/),
        finished_at: expect.any(String),
      });
      expect(one.next_run_at).toBe(new Date(Date.parse(run.run_at) + 60_000).toISOString());
      // The execution, read as any other, and its job data: the task with its secret sealed.
      const execution = await call(
        'GET',
        `/api/queues/${queue}/tasks/${encodeURIComponent(run.execution_id)}`,
      );
      expect(execution.body).toMatchObject({ state: 'completed', output: { status: 'success' } });
      const job = await other.getJob(run.execution_id);
      expect(JSON.stringify(job?.data)).not.toContain('very-secret-value');
      expect(job?.data[META_KEY].sealed).toBeDefined();
      // Started by the bearer token's holder, as an execution enqueued through the API.
      expect(job?.data[META_KEY].user).toBe('token:1');
      expect(job?.name).toBe('rest-task');
      // Listed across queues; the same id set on the default queue moves it there.
      expect((await call('GET', '/api/schedules')).body).toContainEqual(
        expect.objectContaining({ id: 'sealed', queue }),
      );
      const moved = await call('PUT', '/api/schedules/sealed', {
        task: { url: `${target.url}/sealed` },
        cron: '0 0 1 1 *',
      });
      expect(moved.body.queue).toBe(h.config.queueName);
      expect(await other.getJobSchedulersCount()).toBe(0);
      expect((await listedIds()).filter((id) => id === 'sealed')).toHaveLength(1);
    } finally {
      await call('DELETE', '/api/schedules/sealed');
      await other.close();
    }
  });
});

describe('the library: producer.schedules', () => {
  it('set, get, list, remove; typed errors', async () => {
    const producer = new TaskProducer(producerOptionsOf(h.config));
    try {
      const set = await producer.schedules.set('lib', {
        task: { url: `${target.url}/never` },
        cron: '30 6 * * 1',
        tz: 'America/New_York',
        startAt: new Date('2027-01-01T00:00:00Z'),
        limit: 3,
      });
      // Monday 2027-01-04 06:30 EST = 11:30 UTC.
      expect(set).toMatchObject({ id: 'lib', limit: 3, next_run_at: '2027-01-04T11:30:00.000Z' });
      expect((await producer.schedules.get('lib')).executions).toEqual([
        expect.objectContaining({ state: 'delayed', run_at: '2027-01-04T11:30:00.000Z' }),
      ]);
      expect((await producer.schedules.list()).map((s) => s.id)).toContain('lib');
      const interval = await producer.schedules.set('lib', {
        task: { url: `${target.url}/never` },
        everySeconds: 3600,
        startAt: '2027-06-01T00:00:00Z',
      });
      expect(interval).toMatchObject({
        cron: null,
        every_seconds: 3600,
        next_run_at: '2027-06-01T00:00:00.000Z',
      });
      await producer.schedules.remove('lib');
      const missing = await producer.schedules.get('lib').catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(ScheduleNotFoundError);
      const bad = await producer.schedules
        .set('lib', { task: { url: 'x' }, everySeconds: -1 })
        .catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(InvalidScheduleError);
      expect((bad as InvalidScheduleError).code).toBe(ErrorCode.INVALID_SCHEDULE);
      expect((bad as InvalidScheduleError).issues[0]?.path).toBe('every_seconds');
    } finally {
      await producer.close();
    }
  });
});

describe('taskrest schedules', () => {
  it('set (FILE, -, --json), lists as JSON, rm; exit codes as the other commands', async () => {
    const env = envOf(h.config);
    const task = JSON.stringify({ url: `${target.url}/never` });
    const set = await runCli(
      ['schedules', 'set', 'cli', '--cron', '0 9 * * *', '--tz', 'Europe/Vienna', '--json', task],
      env,
    );
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ id: 'cli', tz: 'Europe/Vienna' });
    const fromStdin = await runCli(
      ['schedules', 'set', 'cli-2', '--every', '3600', '--queue', 'sched-cli', '-'],
      env,
      task,
    );
    expect(fromStdin.code).toBe(0);
    expect(JSON.parse(fromStdin.stdout)).toMatchObject({ queue: 'sched-cli', every_seconds: 3600 });
    const list = await runCli(['schedules'], env);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as { id: string }[]).map((s) => s.id)).toEqual(
      expect.arrayContaining(['cli', 'cli-2']),
    );
    const bad = await runCli(['schedules', 'set', 'cli-3', '--cron', 'nope', '--json', task], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/cron/);
    const usage = await runCli(['schedules', 'set', 'cli-3', '--json', task], env);
    expect(usage.code).toBe(2);
    expect((await runCli(['schedules', 'rm', 'cli'], env)).code).toBe(0);
    expect((await runCli(['schedules', 'rm', 'cli-2'], env)).code).toBe(0);
    const gone = await runCli(['schedules', 'rm', 'cli'], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/no schedule cli/);
    const help = await runCli(['schedules', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--every SECONDS/);
  }, 120_000);
});
