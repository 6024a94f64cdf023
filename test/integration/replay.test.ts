import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../api/create-api-server.js';
import type { Execution } from '../../shared/execution.js';
import { createLogger } from '../../shared/logger.js';
import { eventually } from '../helpers/eventually.js';
import { useFaultScene } from '../helpers/fault-scene.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';
import { runCli } from '../helpers/run-cli.js';
import { envOf } from '../helpers/test-config.js';

/*
 * Replay: failed executions run again under the same id, one by one
 * (`POST …/tasks/:id/retry`, `taskrest retry`) and in bulk
 * (`POST /api/queues/:queue/retry` with `since`). A real worker process
 * runs them against a loopback target that fails until it is told not to.
 */

describe('replay', () => {
  const s = useFaultScene();
  let api: ApiServer;
  let url: string;
  let target: HttpTestServer;
  /** The target answers 418 until `healthy`, then 200; it notes each request's path. */
  let flaky: { healthy: boolean; requests: string[] };

  beforeEach(async () => {
    const state = { healthy: false, requests: [] as string[] };
    flaky = state;
    target = await startHttpTestServer((req, res) => {
      state.requests.push(req.url ?? '/');
      req.resume();
      res
        .writeHead(state.healthy ? 200 : 418, { 'content-type': 'application/json' })
        .end(JSON.stringify({ healthy: state.healthy }));
    });
    api = await createApiServer(s.config, createLogger(s.config));
    url = await api.listen({ host: '127.0.0.1', port: 0 });
    await s.worker();
  });
  afterEach(async () => {
    await api.close();
    await target.close();
  });

  /** The failed run's response line (not a port or a millisecond that reads 418). */
  const TEAPOT = /response HTTP 418\b/;
  const call = async (method: string, path: string, json?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      ...(json === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const settled = (id: number | string, state: 'failed' | 'completed') =>
    eventually(async () => {
      const e = await s.producer.getExecution(id);
      return e?.state === state && e;
    }, `execution ${id} ${state}`);
  const enqueueFailing = async (path: string) => {
    const { executionId } = await s.producer.enqueue({ url: `${target.url}${path}` });
    await settled(executionId, 'failed');
    return executionId;
  };

  it('a failed execution runs again under the same id and completes; a completed one is refused (409), an unknown 404', async () => {
    const id = await enqueueFailing('/one');
    const failed = (await s.producer.getExecution(id)) as Execution;
    expect(failed.output?.status_code).toBe(418);
    flaky.healthy = true;

    const replay = await call('POST', `/api/tasks/${id}/retry`);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ execution_id: id, queue: s.config.queueName });
    const done = await settled(id, 'completed');
    expect(done.execution_id).toBe(id);
    expect(done.output?.status_code).toBe(200);
    // A fresh run: its own log, not the failed run's lines.
    expect(done.output?.log.some((line) => TEAPOT.test(line))).toBe(false);
    expect(flaky.requests).toEqual(['/one', '/one']);
    // The job's log keeps the earlier run, then says it ran again.
    const logs = (await s.queue.getJobLogs(String(id))).logs;
    expect(logs.some((line) => TEAPOT.test(line))).toBe(true);
    expect(logs.some((line) => line.includes('run again'))).toBe(true);

    const again = await call('POST', `/api/queues/${s.config.queueName}/tasks/${id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('not failed');
    expect((await call('POST', '/api/tasks/no-such-id/retry')).status).toBe(404);
  });

  it('in bulk: every failed execution since a time runs again (count), older ones stay failed', async () => {
    const old = await enqueueFailing('/old');
    const since = new Date().toISOString();
    // Failed executions are ordered by when they failed: the next ones after `since`.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const recent = [await enqueueFailing('/recent-1'), await enqueueFailing('/recent-2')];
    flaky.healthy = true;

    const bad = await call('POST', `/api/queues/${s.config.queueName}/retry`, {
      state: 'completed',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([{ path: 'state', message: expect.any(String) }]);

    const replay = await call('POST', `/api/queues/${s.config.queueName}/retry`, {
      state: 'failed',
      since,
    });
    expect(replay).toEqual({ status: 200, body: { count: 2 } });
    for (const id of recent) await settled(id, 'completed');
    expect((await s.producer.getExecution(old))?.state).toBe('failed');

    // Without `since`: every failed one (the old one is all that is left).
    expect(await s.producer.retryFailed()).toEqual({ count: 1 });
    await settled(old, 'completed');
    expect(flaky.requests.filter((p) => p === '/old')).toHaveLength(2);
  });

  it('taskrest retry ID runs a failed execution again; exit 1 when it is not failed', async () => {
    const id = await enqueueFailing('/cli');
    flaky.healthy = true;
    const cli = await runCli(['retry', String(id)], envOf(s.config));
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ execution_id: id, queue: s.config.queueName });
    await settled(id, 'completed');
    const refused = await runCli(['retry', String(id)], envOf(s.config));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not failed/);
  });
});
