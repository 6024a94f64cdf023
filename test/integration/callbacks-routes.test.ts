import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../helpers/api-harness.js';
import { eventually } from '../helpers/eventually.js';
import { runCli } from '../helpers/run-cli.js';
import { startScriptedTarget, type ScriptedTarget } from '../helpers/scripted-target.js';
import { envOf } from '../helpers/test-config.js';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process.js';

/*
 * `callback` through the HTTP API (query parameter of the POST routes) and
 * the CLI (`enqueue --callback URL`); the status answer names the callback
 * execution, which is queried like any other. A real worker process.
 */

let h: ApiHarness;
let worker: WorkerProcess;
let target: ScriptedTarget;
let hook: ScriptedTarget;

beforeAll(async () => {
  h = await startApiHarness({}, { worker: false });
  worker = await startWorkerProcess(h.config, {
    TASKREST_CALLBACK_SECRETS: `whsec_${Buffer.alloc(32, 1).toString('base64')}`,
  });
  target = await startScriptedTarget();
  hook = await startScriptedTarget();
});

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await Promise.all([h?.close(), target?.close(), hook?.close()]);
});

async function api(method: string, path: string, json?: unknown) {
  const response = await fetch(`${h.url}${path}`, {
    method,
    ...(json === undefined
      ? {}
      : { body: JSON.stringify(json), headers: { 'content-type': 'application/json' } }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Waits for the callback delivery of `executionId`. */
async function deliveryOf(executionId: unknown) {
  const [delivery] = await hook.waitFor(1, {
    where: (d) => (JSON.parse(d.body) as { execution_id: unknown }).execution_id === executionId,
  });
  return delivery!;
}

describe('callback on the HTTP API', () => {
  it('POST /api/tasks?callback=URL: called back; the status answer names the callback execution, itself queryable', async () => {
    const callbackUrl = `${hook.url}/from-api?token=abc`;
    const enqueued = await api('POST', `/api/tasks?callback=${encodeURIComponent(callbackUrl)}`, {
      url: `${target.url}/api-task`,
    });
    expect(enqueued.status).toBe(202);
    const id = enqueued.body.execution_id;
    const delivery = await deliveryOf(id);
    expect(JSON.parse(delivery.body)).toMatchObject({
      state: 'completed',
      queue: h.config.queueName,
    });

    const status = await api('GET', `/api/tasks/${encodeURIComponent(String(id))}`);
    expect(status.body).toMatchObject({
      state: 'completed',
      callback_execution_id: `callback!${String(id)}`,
    });
    const callbackId = String(status.body.callback_execution_id);
    const callback = await eventually(async () => {
      const answer = await api('GET', `/api/tasks/${encodeURIComponent(callbackId)}`);
      return answer.body.state === 'completed' ? answer : null;
    }, 'the callback execution completed');
    expect(callback.status).toBe(200);
    expect(callback.body).toMatchObject({
      execution_id: callbackId,
      output: { status: 'success', status_code: 200 },
    });
  });

  it('POST /api/queues/:queue/tasks takes it too', async () => {
    const enqueued = await api(
      'POST',
      `/api/queues/${h.config.queueName}/tasks?callback=${encodeURIComponent(hook.url)}`,
      { url: `${target.url}/named-queue` },
    );
    expect(enqueued.status).toBe(202);
    await deliveryOf(enqueued.body.execution_id);
  });

  it('a bad callback is a 400 naming it, and nothing is stored', async () => {
    const before = await h.queue.count();
    const answer = await api('POST', '/api/tasks?callback=not-a-url', { url: `${target.url}/x` });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ issues: [{ path: 'callback' }] });
    expect(await h.queue.count()).toBe(before);
  });
});

describe('taskrest enqueue --callback URL', () => {
  it('enqueues with the callback; status shows callback_execution_id', async () => {
    const env = envOf(h.config);
    const enqueued = await runCli(
      ['enqueue', '--json', JSON.stringify({ url: `${target.url}/cli` }), '--callback', hook.url],
      env,
    );
    expect(enqueued.stderr).toBe('');
    const { execution_id: id } = JSON.parse(enqueued.stdout) as { execution_id: string };
    await deliveryOf(id);
    const status = await runCli(['status', id], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ callback_execution_id: `callback!${id}` });
  });
});
