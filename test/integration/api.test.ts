/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return --
   HTTP answers are untyped JSON; the expectations check their shape. */
import { request } from 'node:http';
import { Job } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../api/create-api-server.js';
import { MAX_BULK_TASKS } from '../../api/bulk-route.js';
import { ConfigError } from '../../shared/errors/config-error.js';
import { createLogger } from '../../shared/logger.js';
import { META_KEY, splitJobData } from '../../shared/job-envelope.js';
import { startRedisServer } from '../../shared/redis-server-process.js';
import { startApiHarness, type ApiHarness } from '../helpers/api-harness.js';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/free-port.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';
import { runCli } from '../helpers/run-cli.js';
import type { ScriptedTarget } from '../helpers/scripted-target.js';
import { startTargetServer } from '../helpers/target-server.js';
import { startTaskrest } from '../helpers/taskrest-process.js';
import { envOf, testConfig } from '../helpers/test-config.js';

const ALICE = 'alice-secret-token-1';
const PLAIN = 'plain-secret-token-2';
const DASHBOARD = { user: 'ops', password: 'dashboard-pass-3' };
const ENV = {
  API_TOKENS: `alice:${ALICE},${PLAIN}`,
  DASHBOARD_USER: DASHBOARD.user,
  DASHBOARD_PASSWORD: DASHBOARD.password,
  TASKREST_MAX_TASK_BYTES: '8192',
  TASKREST_MAX_FILE_BYTES: '4096',
};

interface Call {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

let h: ApiHarness;
let target: ScriptedTarget;
/** Answers after `?ms=` milliseconds (default 4000), so an execution stays active a while. */
let slow: HttpTestServer;

async function call(
  method: string,
  path: string,
  options: {
    token?: string | null;
    json?: unknown;
    raw?: string | Buffer;
    headers?: Record<string, string>;
  } = {},
): Promise<Call> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? ALICE : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | Buffer | undefined = options.raw;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${h.url}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

async function waitForState(id: number | string, states: string[], timeoutMs = 15_000) {
  let last: any;
  return eventually(
    async () => {
      last = (await call('GET', `/api/tasks/${id}`)).body;
      return states.includes(last?.state) && last;
    },
    () => `execution ${id} ${states.join(' or ')} (last: ${JSON.stringify(last)})`,
    { timeoutMs },
  );
}

beforeAll(async () => {
  target = await startTargetServer();
  slow = await startHttpTestServer((req, res) => {
    const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? 4000);
    setTimeout(() => res.end('late'), ms).unref();
  });
  h = await startApiHarness(ENV);
});

afterAll(async () => {
  await h?.close();
  await target?.close();
  await slow?.close();
});

describe('auth', () => {
  it('401 on every /api route but the documentation without a valid bearer token, with WWW-Authenticate', async () => {
    const routes: [string, string][] = [
      ['POST', '/api/tasks'],
      ['POST', '/api/tasks/bulk'],
      ['GET', '/api/tasks/1'],
      ['DELETE', '/api/tasks/1'],
      ['GET', '/api/files'],
      ['PUT', '/api/files/a.txt'],
      ['GET', '/api/queues'],
    ];
    for (const [method, path] of routes) {
      for (const token of [null, 'wrong-token', `${ALICE}x`, '']) {
        const r = await call(method, path, {
          token,
          json: method === 'POST' ? { url: target.url } : undefined,
        });
        expect(r.status, `${method} ${path} with ${token}`).toBe(401);
        expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    }
    // Basic credentials are not a bearer token.
    const basic = Buffer.from(`${DASHBOARD.user}:${DASHBOARD.password}`).toString('base64');
    const r = await call('GET', '/api/files', {
      token: null,
      headers: { authorization: `Basic ${basic}` },
    });
    expect(r.status).toBe(401);
    expect(await h.queue.count()).toBe(0);
  });

  it('/dashboard, its assets and its API need basic auth; /health and /metrics are open', async () => {
    const page = await call('GET', '/dashboard/', { token: null });
    const html = await fetch(`${h.url}/dashboard/`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${DASHBOARD.user}:${DASHBOARD.password}`).toString('base64')}`,
      },
    });
    const asset = /(static\/[^"]+\.js)"/.exec(await html.text())?.[1];
    expect(html.status).toBe(200);
    expect(asset).toBeDefined();
    expect(page.status).toBe(401);
    expect(page.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await call('GET', `/dashboard/${asset}`, { token: null })).status).toBe(401);
    expect((await call('GET', '/dashboard/api/queues', { token: null })).status).toBe(401);
    // The API's bearer token opens nothing on the dashboard.
    expect((await call('GET', '/dashboard/api/queues')).status).toBe(401);
    const wrong = Buffer.from(`${DASHBOARD.user}:nope`).toString('base64');
    expect(
      (
        await call('GET', '/dashboard/', {
          token: null,
          headers: { authorization: `Basic ${wrong}` },
        })
      ).status,
    ).toBe(401);
    expect((await call('GET', '/health', { token: null })).status).toBe(200);
    expect((await call('GET', '/metrics', { token: null })).status).toBe(200);
  });

  it('refuses to start on a non-loopback HOST without API_TOKENS and dashboard credentials', async () => {
    const config = testConfig({ HOST: '0.0.0.0', API_TOKENS: 'x' });
    await expect(createApiServer(config, createLogger(config))).rejects.toThrow(ConfigError);
    await expect(createApiServer(config, createLogger(config))).rejects.toThrow(
      /DASHBOARD_USER, DASHBOARD_PASSWORD/,
    );
    const cli = await runCli(['api'], envOf(testConfig(), { HOST: '0.0.0.0', PORT: '0' }));
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/API_TOKENS, DASHBOARD_USER, DASHBOARD_PASSWORD must be set/);
  });
});

describe('POST /api/tasks', () => {
  it('202 with the execution id; GET shows it run to completed with its output', async () => {
    const r = await call('POST', '/api/tasks', { json: { url: `${target.url}/jokes/random` } });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({
      execution_id: expect.any(Number),
      queue: h.config.queueName,
      state: 'waiting',
    });
    expect(r.headers.get('location')).toBe(`/api/tasks/${r.body.execution_id}`);
    const done = await waitForState(r.body.execution_id, ['completed', 'failed']);
    expect(done.state).toBe('completed');
    expect(done.output).toMatchObject({
      execution_id: r.body.execution_id,
      status: 'success',
      status_code: 200,
    });
    expect(done.output.json.type).toBe('success');
  });

  it('?wait returns 200 with the output of a completed or failed execution', async () => {
    const ok = await call('POST', '/api/tasks?wait=20', {
      json: { url: `${target.url}/jokes/random` },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      state: 'completed',
      output: { status: 'success', status_code: 200 },
    });
    const failed = await call('POST', '/api/tasks?wait=20', {
      json: { url: `${target.url}/status/404` },
    });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({
      state: 'failed',
      output: { status: 'error', status_code: 404 },
    });
  });

  it('?wait that ends first returns 202 with the current state', async () => {
    const r = await call('POST', '/api/tasks?wait=0.5', { json: { url: `${slow.url}/?ms=3000` } });
    expect(r.status).toBe(202);
    expect(['waiting', 'active']).toContain(r.body.state);
    expect((await waitForState(r.body.execution_id, ['completed'])).state).toBe('completed');
  });

  it('400 naming every bad field, exactly {"error": "invalid task", "issues"}; nothing stored', async () => {
    const before = await h.queue.count();
    const r = await call('POST', '/api/tasks', {
      json: { url: 'not a url', methd: 'get', retry_backoff: { multiplier: 0.5 } },
    });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body).sort()).toEqual(['error', 'issues']);
    expect(r.body.error).toBe('invalid task');
    const paths = r.body.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['url', 'methd', 'retry_backoff.multiplier']));
    for (const issue of r.body.issues)
      expect(Object.keys(issue).sort()).toEqual(['message', 'path']);
    expect(r.body.issues.find((i: { path: string }) => i.path === 'methd').message).toMatch(
      /did you mean method/,
    );
    const notObject = await call('POST', '/api/tasks', { json: [1, 2] });
    expect(notObject.status).toBe(400);
    expect(notObject.body).toEqual({
      error: 'invalid task',
      issues: [{ path: '', message: 'a task must be a JSON object' }],
    });
    expect(await h.queue.count()).toBe(before);
  });

  it('400 for malformed JSON, a bad ?wait and a bad Idempotency-Key', async () => {
    const json = await call('POST', '/api/tasks', {
      raw: '{"url": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(json.status).toBe(400);
    expect(json.body.error).toBe('bad request');
    for (const wait of ['abc', '-1', '601', '']) {
      const r = await call('POST', `/api/tasks?wait=${wait}`, { json: { url: target.url } });
      expect(r.status, `wait=${wait}`).toBe(400);
      expect(r.body.message).toMatch(/^wait:/);
    }
    for (const key of ['12345', 'a:b', 'x'.repeat(201), 'sp ace']) {
      const r = await call('POST', '/api/tasks', {
        json: { url: target.url },
        headers: { 'idempotency-key': key },
      });
      expect(r.status, key).toBe(400);
      expect(r.body.error).toBe('invalid Idempotency-Key');
    }
  });

  it('413 for a task over TASKREST_MAX_TASK_BYTES; nothing stored', async () => {
    const before = await h.queue.count();
    const r = await call('POST', '/api/tasks', {
      json: { url: target.url, method: 'post', text: 'x'.repeat(9000) },
    });
    expect(r.status).toBe(413);
    expect(r.body.error).toMatch(/too large/);
    expect(await h.queue.count()).toBe(before);
  });

  it('Idempotency-Key: the same key returns the existing execution (200), never a duplicate', async () => {
    const key = `order-${Date.now()}`;
    const task = { url: `${target.url}/jokes/random` };
    const first = await call('POST', '/api/tasks', {
      json: task,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(202);
    expect(first.body.execution_id).toBe(key);
    await waitForState(key, ['completed']);
    const again = await call('POST', '/api/tasks', {
      json: task,
      headers: { 'idempotency-key': key },
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      execution_id: key,
      state: 'completed',
      output: { status: 'success' },
    });
    const requests = target.arrivals.filter((s) => s.url === '/jokes/random').length;
    const third = await call('POST', '/api/tasks?wait=5', {
      json: task,
      headers: { 'idempotency-key': key },
    });
    expect(third.status).toBe(200);
    expect(third.body.execution_id).toBe(key);
    await new Promise((r) => setTimeout(r, 300));
    expect(target.arrivals.filter((s) => s.url === '/jokes/random').length).toBe(requests);
  });

  it("the bearer token's holder becomes the execution's user (pass_user_token)", async () => {
    const named = await call('POST', '/api/tasks', { json: { url: `${slow.url}/?ms=1` } });
    const plain = await call('POST', '/api/tasks', {
      token: PLAIN,
      json: { url: `${slow.url}/?ms=1` },
    });
    const queue = h.queue;
    const a = await Job.fromId(queue, String(named.body.execution_id));
    const b = await Job.fromId(queue, String(plain.body.execution_id));
    expect(a?.data[META_KEY]).toEqual({ user: 'alice' });
    expect(b?.data[META_KEY]).toEqual({ user: 'token:2' });
  });
});

describe('POST /api/tasks/bulk', () => {
  it('202 with one execution per task, in order, all run', async () => {
    const tasks = [0, 1, 2, 3].map((n) => ({ url: `${target.url}/anything/bulk-${n}` }));
    const r = await call('POST', '/api/tasks/bulk', { json: tasks });
    expect(r.status).toBe(202);
    expect(r.body).toHaveLength(4);
    const entries = r.body as { execution_id: number; state: string }[];
    // Each id is a job of its own in the queue, holding its task, in the order sent.
    expect(new Set(entries.map((e) => String(e.execution_id))).size).toBe(4);
    for (const [n, entry] of entries.entries()) {
      const job = await Job.fromId(h.queue, String(entry.execution_id));
      expect(job, `job ${entry.execution_id}`).toBeDefined();
      expect(splitJobData(job?.data).task).toEqual(tasks[n]);
    }
    for (const [n, entry] of entries.entries()) {
      expect(entry.state).toBe('waiting');
      const done = await waitForState(entry.execution_id, ['completed', 'failed']);
      expect(done.output.json.path).toBe(`/anything/bulk-${n}`);
    }
  });

  it('400 naming the index of each bad task; none stored', async () => {
    const before = await h.queue.count();
    const r = await call('POST', '/api/tasks/bulk', {
      json: [{ url: target.url }, { url: target.url }, { url: target.url }, { methd: 'get' }],
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid task');
    const paths = r.body.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(['3.methd', '3.url']);
    for (const body of [
      [],
      {},
      Array.from({ length: MAX_BULK_TASKS + 1 }, () => ({ url: target.url })),
    ]) {
      const bad = await call('POST', '/api/tasks/bulk', { json: body });
      expect(bad.status).toBe(400);
      expect(bad.body.issues[0].message).toMatch(/expected an array of 1 to/);
    }
    const big = await call('POST', '/api/tasks/bulk', {
      json: [{ url: target.url }, { url: target.url, text: 'x'.repeat(9000), method: 'post' }],
    });
    expect(big.status).toBe(400);
    expect(big.body.issues).toEqual([
      { path: '1', message: expect.stringMatching(/task too large/) },
    ]);
    expect(await h.queue.count()).toBe(before);
  });
});

describe('GET and DELETE /api/tasks/:id', () => {
  it('404 for an unknown execution', async () => {
    expect((await call('GET', '/api/tasks/999999')).status).toBe(404);
    expect((await call('GET', '/api/tasks/no-such-key')).body).toEqual({
      error: 'not found',
      message: 'no execution no-such-key',
    });
    expect((await call('DELETE', '/api/tasks/999999')).status).toBe(404);
  });

  it('DELETE removes a delayed execution (204) so it never runs', async () => {
    const { executionId } = await h.api.producer.enqueue(
      { url: `${target.url}/anything/never` },
      { delay: 60_000 },
    );
    expect((await call('GET', `/api/tasks/${executionId}`)).body.state).toBe('delayed');
    const r = await call('DELETE', `/api/tasks/${executionId}`);
    expect(r.status).toBe(204);
    expect((await call('GET', `/api/tasks/${executionId}`)).status).toBe(404);
    expect(target.arrivals.some((s) => s.url === '/anything/never')).toBe(false);
  });

  it('DELETE cancels an active execution: 200 failed, message cancelled, the log names the token', async () => {
    const r = await call('POST', '/api/tasks', { json: { url: `${slow.url}/?ms=10000` } });
    const id = r.body.execution_id;
    expect((await waitForState(id, ['active'])).state).toBe('active');
    const del = await call('DELETE', `/api/tasks/${id}`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ execution_id: id, queue: h.config.queueName, state: 'failed' });
    const after = (await call('GET', `/api/tasks/${id}`)).body;
    expect(after.output.message).toBe('cancelled');
    expect(after.output.log.at(-1)).toMatch(/ cancelled by alice$/);
    expect((await call('DELETE', `/api/tasks/${id}`)).status).toBe(204);
  });
});

describe('/api/files', () => {
  it('PUT, GET, list, DELETE raw bytes, whatever the content type', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255, 10, 13]);
    const put = await call('PUT', '/api/files/reports/a.bin', {
      raw: bytes,
      headers: { 'content-type': 'application/json' },
    });
    expect(put.status).toBe(201);
    expect(put.body).toEqual({ name: 'reports/a.bin', size: bytes.length });
    const get = await fetch(`${h.url}/api/files/reports/a.bin`, {
      headers: { authorization: `Bearer ${ALICE}` },
    });
    expect(get.status).toBe(200);
    expect(Buffer.from(await get.arrayBuffer())).toEqual(bytes);
    expect((await call('GET', '/api/files')).body).toEqual([
      { name: 'reports/a.bin', size: bytes.length },
    ]);
    expect((await call('DELETE', '/api/files/reports/a.bin')).status).toBe(204);
    expect((await call('GET', '/api/files/reports/a.bin')).status).toBe(404);
    expect((await call('DELETE', '/api/files/reports/a.bin')).status).toBe(404);
  });

  it('400 naming it for an empty upload, which stores nothing; ?allow_empty=true stores it', async () => {
    const empty = await call('PUT', '/api/files/empty.txt', { raw: '' });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ error: 'empty file' });
    expect(empty.body.message).toMatch(/empty\.txt.*allow_empty=true/);
    // The same without a length: a chunked body that ends at once.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${h.url}/api/files/empty.txt`,
        {
          method: 'PUT',
          headers: { authorization: `Bearer ${ALICE}`, 'transfer-encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(chunked).toBe(400);
    expect((await call('GET', '/api/files/empty.txt')).status).toBe(404);
    const allowed = await call('PUT', '/api/files/empty.txt?allow_empty=true', { raw: '' });
    expect(allowed.status).toBe(201);
    expect(allowed.body).toEqual({ name: 'empty.txt', size: 0 });
    expect((await call('DELETE', '/api/files/empty.txt')).status).toBe(204);
  });

  it('400 for a name that escapes, 413 over TASKREST_MAX_FILE_BYTES (nothing stored)', async () => {
    const escape = await call('PUT', '/api/files/a%2F..%2Fb', { raw: 'x' });
    expect(escape.status).toBe(400);
    expect(escape.body.error).toBe('invalid file name');
    const big = await call('PUT', '/api/files/big.bin', {
      raw: Buffer.alloc(5000, 1),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(big.status).toBe(413);
    expect((await call('GET', '/api/files/big.bin')).status).toBe(404);
  });
});

describe('/health and /api/openapi.json', () => {
  it('/health answers 200 while Redis answers', async () => {
    const r = await call('GET', '/health', { token: null });
    expect(r).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('the OpenAPI document carries the task schema and every route', async () => {
    const r = await call('GET', '/api/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    expect(Object.keys(r.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/tasks',
        '/api/tasks/bulk',
        '/api/tasks/{id}',
        '/api/files/{name}',
        '/health',
        '/metrics',
      ]),
    );
    const task = r.body.components.schemas.Task;
    expect(task.properties).toHaveProperty('url');
    expect(task.properties).toHaveProperty('retry_backoff');
    expect(task.additionalProperties).toBe(false);
  });
});

describe('Redis down', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => stop?.());

  it('503 quickly from enqueue, bulk, GET and /health; 2xx never', async () => {
    const redis = await startRedisServer({ port: await freePort() });
    const own = await startApiHarness(
      { REDIS_URL: redis.url, API_TOKENS: ALICE },
      { worker: false },
    );
    // The private Redis goes away with its keys: only the server needs closing.
    stop = async () => {
      await own.api.close();
      await redis.stop();
    };
    const post = (path: string, json: unknown) =>
      fetch(`${own.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ALICE}`, 'content-type': 'application/json' },
        body: JSON.stringify(json),
      });
    expect((await post('/api/tasks', { url: target.url })).status).toBe(202);
    await redis.stop();
    for (const request of [
      () => post('/api/tasks', { url: target.url }),
      () => post('/api/tasks?wait=5', { url: target.url }),
      () => post('/api/tasks/bulk', [{ url: target.url }]),
      () => fetch(`${own.url}/api/tasks/1`, { headers: { authorization: `Bearer ${ALICE}` } }),
      () => fetch(`${own.url}/health`),
      () => fetch(`${own.url}/metrics`),
    ]) {
      const started = Date.now();
      const response = await request();
      // The API answers 503 quickly (within about 1.5 s); generous for a loaded machine, yet far below a hang.
      expect(Date.now() - started).toBeLessThan(5000);
      expect(response.status).toBe(503);
    }
  });
});

describe('taskrest api', () => {
  it('serves on HOST:PORT and exits 0 on SIGTERM', async () => {
    const config = testConfig();
    const port = await freePort();
    const api = startTaskrest(['api'], envOf(config, { PORT: String(port), API_TOKENS: ALICE }));
    try {
      await api.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      const r = await fetch(`http://127.0.0.1:${port}/api/tasks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ALICE}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: target.url }),
      });
      expect(r.status).toBe(202);
    } finally {
      expect(await api.stop()).toBe(0);
      const { deleteTestKeys } = await import('../helpers/test-config.js');
      await deleteTestKeys(config);
    }
  });
});
