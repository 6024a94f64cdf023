import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../api/create-api-server.js';
import { createLogger } from '../../shared/logger.js';
import { useFaultScene } from '../helpers/fault-scene.js';
import { runCli } from '../helpers/run-cli.js';
import { startScriptedTarget, type ScriptedTarget } from '../helpers/scripted-target.js';
import { envOf } from '../helpers/test-config.js';

/*
 * Enqueue options: `delay` / `run_at` hold an execution back (BullMQ's
 * delayed jobs), `priority` orders them (BullMQ's prioritized jobs). Real
 * Redis, a real `taskrest worker` process, a real loopback target that
 * notes when (wall clock, as BullMQ's delays are) each request came.
 */

describe('enqueue options', () => {
  const s = useFaultScene();
  let api: ApiServer;
  let url: string;
  let target: ScriptedTarget;

  beforeEach(async () => {
    target = await startScriptedTarget();
    api = await createApiServer(s.config, createLogger(s.config));
    url = await api.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(async () => {
    await api.close();
    await target.close();
  });

  const post = async (query: string, task: unknown) => {
    const response = await fetch(`${url}/api/tasks${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(task),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const arrivalOf = async (path: string) => (await target.waitFor(1, { path }))[0]!;

  it('delay and run_at hold a task back: it never arrives before its time', async () => {
    await s.worker();
    const delayedAt = Date.now();
    const delayed = await post('?delay=2', { url: `${target.url}/delayed` });
    expect(delayed.status).toBe(202);
    expect(delayed.body.state).toBe('delayed');
    const runAt = new Date(Date.now() + 2500).toISOString();
    const scheduled = await post(`?run_at=${encodeURIComponent(runAt)}`, {
      url: `${target.url}/run-at`,
    });
    expect(scheduled.body.state).toBe('delayed');
    // A time in the past: at once.
    const past = await post(`?run_at=${encodeURIComponent('2000-01-01T00:00:00Z')}`, {
      url: `${target.url}/past`,
    });
    expect(past.body.state).toBe('waiting');
    await arrivalOf('/past');
    expect(target.arrivals.map((a) => a.path)).toEqual(['/past']);
    // Late is allowed (a loaded machine), early never.
    expect((await arrivalOf('/delayed')).wallClockAt).toBeGreaterThanOrEqual(delayedAt + 2000);
    expect((await arrivalOf('/run-at')).wallClockAt).toBeGreaterThanOrEqual(Date.parse(runAt));
  });

  it('priority: with one worker slot, the executions run highest priority (1) first', async () => {
    const order = [5, 1, 4, 2, 3];
    for (const priority of order) {
      const r = await post(`?priority=${priority}`, { url: `${target.url}/p${priority}` });
      expect(r.body.state).toBe('prioritized');
    }
    await s.worker({ WORKER_CONCURRENCY: '1' });
    await target.waitFor(order.length);
    expect(target.arrivals.map((a) => a.path)).toEqual(['/p1', '/p2', '/p3', '/p4', '/p5']);
  });

  it('bad values: 400 naming the field, nothing stored', async () => {
    const task = { url: `${target.url}/never` };
    const cases: [string, string][] = [
      ['?priority=0', 'priority'],
      ['?priority=1.5', 'priority'],
      [`?priority=${2 ** 21 + 1}`, 'priority'],
      ['?delay=-1', 'delay'],
      ['?delay=soon', 'delay'],
      ['?run_at=tomorrow', 'run_at'],
      [`?delay=5&run_at=${encodeURIComponent(new Date().toISOString())}`, 'run_at'],
      [`?flow_key=${'k'.repeat(201)}`, 'flow_key'],
      ['?flow_key=', 'flow_key'],
    ];
    for (const [query, field] of cases) {
      const r = await post(query, task);
      expect(r.status, query).toBe(400);
      expect(r.body.error, query).toBe('invalid options');
      expect(r.body.issues, query).toEqual([{ path: field, message: expect.any(String) }]);
    }
    expect(
      await s.queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active', 'completed'),
    ).toEqual({ waiting: 0, delayed: 0, prioritized: 0, active: 0, completed: 0 });
  });

  it('taskrest enqueue --delay SECONDS --priority N; the library takes runAt and refuses a bad priority by code', async () => {
    const cli = await runCli(
      [
        'enqueue',
        '--json',
        JSON.stringify({ url: `${target.url}/cli` }),
        '--delay',
        '30',
        '--priority',
        '7',
      ],
      envOf(s.config),
    );
    expect(cli.stderr).toBe('');
    const { execution_id: id } = JSON.parse(cli.stdout) as { execution_id: number };
    expect(await s.queue.getJobState(String(id))).toBe('delayed');
    const job = await s.queue.getJob(String(id));
    expect(job?.opts.delay).toBe(30_000);
    expect(job?.opts.priority).toBe(7);

    const bad = await runCli(
      ['enqueue', '--json', JSON.stringify({ url: `${target.url}/cli` }), '--priority', '0'],
      envOf(s.config),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/priority/);

    const at = new Date(Date.now() + 60_000);
    const { executionId, state } = await s.producer.enqueue(
      { url: `${target.url}/lib` },
      { runAt: at },
    );
    expect(state).toBe('delayed');
    const libJob = await s.queue.getJob(String(executionId));
    expect(libJob!.timestamp + libJob!.opts.delay!).toBeGreaterThanOrEqual(at.getTime() - 5);
    await expect(
      s.producer.enqueue({ url: `${target.url}/lib` }, { priority: 0 }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTIONS', issues: [{ path: 'priority' }] });
    expect(await s.queue.getJobCounts('delayed', 'prioritized', 'waiting')).toEqual({
      delayed: 2,
      prioritized: 0,
      waiting: 0,
    });
  });
});
