import type http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../api/create-api-server.js';
import { AlreadyFinishedError, ExecutionNotFoundError } from '../../shared/errors/index.js';
import type { Execution } from '../../shared/execution.js';
import { createLogger } from '../../shared/logger.js';
import { eventually } from '../helpers/eventually.js';
import { useFaultScene } from '../helpers/fault-scene.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';
import { runCli } from '../helpers/run-cli.js';
import { envOf } from '../helpers/test-config.js';

/*
 * Cancelling executions. The execution runs in a real `taskrest worker`
 * process; the cancel comes from this process (the API, the library) or
 * the CLI's, so it reaches the worker only through the queue's cancel
 * channel. The target is a real loopback server that holds each request.
 */

/** A target that never answers: it notes when each request came and when its socket closed. */
interface HoldingTarget extends HttpTestServer {
  readonly requests: { at: number; closedAt: Promise<number> }[];
  /** Resolves with the first request once it arrived. */
  readonly first: Promise<{ at: number; closedAt: Promise<number> }>;
}

async function holdingTarget(): Promise<HoldingTarget> {
  const requests: HoldingTarget['requests'] = [];
  let arrived!: (request: HoldingTarget['requests'][number]) => void;
  const first = new Promise<HoldingTarget['requests'][number]>((resolve) => (arrived = resolve));
  const server = await startHttpTestServer((req: http.IncomingMessage) => {
    const closedAt = new Promise<number>((resolve) =>
      req.socket.once('close', () => resolve(performance.now())),
    );
    const request = { at: performance.now(), closedAt };
    requests.push(request);
    req.resume();
    arrived(request);
  });
  return Object.assign(server, { requests, first });
}

describe('cancel', () => {
  const s = useFaultScene();
  let api: ApiServer;
  let url: string;
  let target: HoldingTarget;

  beforeEach(async () => {
    target = await holdingTarget();
    api = await createApiServer(s.config, createLogger(s.config));
    url = await api.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(async () => {
    await api.close();
    await target.close();
  });

  const get = async (id: number | string) =>
    (await (await fetch(`${url}/api/tasks/${id}`)).json()) as Execution;

  it('DELETE of a running execution closes its request within 2 s; it ends failed, message cancelled, never retried', async () => {
    await s.worker({ WORKER_CONCURRENCY: '1' });
    const { executionId } = await s.producer.enqueue({
      url: `${target.url}/held`,
      // Retries on every failure it could meet: a cancel must not be one of them.
      retry_backoff: { initial: 0.1, maximum: 0.1, deadline: 60 },
      retry_status_code: [500, 502, 503, 504],
      total_timeout: 60,
      read_timeout: 60,
    });
    await target.first;
    const sentAt = performance.now();
    const answer = await fetch(`${url}/api/tasks/${executionId}`, { method: 'DELETE' });
    const closedAt = await target.requests[0]!.closedAt;
    expect(closedAt - sentAt).toBeLessThan(2000);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      execution_id: executionId,
      queue: s.config.queueName,
      state: 'failed',
    });
    const execution = await get(executionId);
    expect(execution.state).toBe('failed');
    expect(execution.output?.status).toBe('error');
    expect(execution.output?.message).toBe('cancelled');
    expect(execution.output?.log.at(-1)).toMatch(/ cancelled by api$/);
    expect((await s.queue.getJobLogs(String(executionId))).logs.at(-1)).toMatch(
      / cancelled by api$/,
    );
    // No second attempt was sent, and the job is not parked or waiting to run again.
    expect(target.requests).toHaveLength(1);
    expect(await s.queue.getJobCounts('waiting', 'delayed', 'active')).toEqual({
      waiting: 0,
      delayed: 0,
      active: 0,
    });
  });

  it('a cancel while its worker is dead ends the execution when the next worker takes it up, sending nothing', async () => {
    const stall = { TASKREST_STALLED_INTERVAL_SECONDS: '1', TASKREST_LOCK_DURATION_SECONDS: '2' };
    const first = await s.worker({ ...stall, WORKER_CONCURRENCY: '1' });
    const { executionId } = await s.producer.enqueue({
      url: `${target.url}/held`,
      total_timeout: 60,
    });
    await target.first;
    await first.stop('SIGKILL');
    // No worker runs it: the cancel is recorded, the execution stays active meanwhile.
    const cancelled = await s.producer.cancel(executionId, { by: 'ops-script' });
    expect(cancelled.state).toBe('active');
    await s.worker(stall);
    const execution = await eventually(
      async () => {
        const e = await s.producer.getExecution(executionId);
        return e?.state === 'failed' && e;
      },
      'the cancelled execution failed',
      { timeoutMs: 30_000 },
    );
    expect(execution.output?.message).toBe('cancelled');
    expect(execution.output?.log.at(-1)).toMatch(/ cancelled by ops-script$/);
    expect(target.requests).toHaveLength(1);
  });

  it('an execution parked for a retry is removed (204) and never runs again', async () => {
    await target.close();
    let requests = 0;
    const failing = await startHttpTestServer((_req, res) => {
      requests++;
      res.writeHead(503).end();
    });
    try {
      await s.worker();
      const { executionId } = await s.producer.enqueue({
        url: `${failing.url}/`,
        retry_backoff: { initial: 30, maximum: 30, deadline: 600 },
      });
      await eventually(
        async () =>
          (await s.queue.getJobState(String(executionId))) === 'delayed' && requests === 1,
        'the execution parked as a delayed job',
      );
      const answer = await fetch(`${url}/api/tasks/${executionId}`, { method: 'DELETE' });
      expect(answer.status).toBe(204);
      expect((await fetch(`${url}/api/tasks/${executionId}`)).status).toBe(404);
      // Even taken up at once (as a promote would), there is nothing left to run.
      expect(await s.queue.getJobCounts('waiting', 'delayed', 'active')).toEqual({
        waiting: 0,
        delayed: 0,
        active: 0,
      });
    } finally {
      await failing.close();
    }
  });

  it('taskrest cancel removes a waiting execution; the library refuses unknown and finished ones by code', async () => {
    const { executionId } = await s.producer.enqueue({ url: `${target.url}/never` });
    const cli = await runCli(['cancel', String(executionId)], envOf(s.config));
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual({
      execution_id: executionId,
      queue: s.config.queueName,
      state: 'removed',
    });
    expect(await s.producer.getExecution(executionId)).toBeNull();
    expect((await runCli(['cancel', String(executionId)], envOf(s.config))).code).toBe(4);
    await expect(s.producer.cancel('no-such-id')).rejects.toBeInstanceOf(ExecutionNotFoundError);

    await target.close();
    const quick = await startHttpTestServer((_req, res) => res.writeHead(200).end('{}'));
    try {
      await s.worker();
      const done = await s.producer.enqueue({ url: `${quick.url}/` });
      await s.producer.waitForResult(done.executionId, { timeoutMs: 15_000 });
      await expect(s.producer.cancel(done.executionId)).rejects.toMatchObject({
        code: 'ALREADY_FINISHED',
      });
      await expect(s.producer.cancel(done.executionId)).rejects.toBeInstanceOf(
        AlreadyFinishedError,
      );
      const del = await fetch(`${url}/api/tasks/${done.executionId}`, { method: 'DELETE' });
      expect(del.status).toBe(204);
    } finally {
      await quick.close();
    }
  });
});
