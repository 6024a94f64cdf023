import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ErrorCode,
  InvalidQueueError,
  QueueNotEmptyError,
  QueueNotFoundError,
} from '../../../producer/index.js';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';
import { runCli } from '../../helpers/run-cli.js';
import { envOf } from '../../helpers/test-config.js';
import { jsonCall } from '../../helpers/json-call.js';

const TOKEN = 'queues-test-token';

/** The queues resource through the HTTP API, the library and the CLI. */
describe('queues: API, library and CLI', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness({ API_TOKENS: TOKEN }, { worker: false });
  });
  afterAll(async () => {
    await h?.close();
  });

  const call = (method: string, path: string, body?: unknown, token: string | null = TOKEN) =>
    jsonCall(h.url, method, path, body, token);

  it('PUT creates and changes a queue; GET lists it with counts; same bearer auth', async () => {
    expect((await call('GET', '/api/queues', undefined, null)).status).toBe(401);
    const created = await call('PUT', '/api/queues/api-q', {
      rate_limit: { max: 5, per_seconds: 1 },
      max_concurrency: 3,
    });
    expect(created).toMatchObject({
      status: 200,
      body: {
        name: 'api-q',
        rate_limit: { max: 5, per_seconds: 1 },
        max_concurrency: 3,
        paused: false,
      },
    });
    const changed = await call('PUT', '/api/queues/api-q', { rate_limit: null, paused: true });
    expect(changed.body).toMatchObject({ rate_limit: null, max_concurrency: 3, paused: true });
    const list = await call('GET', '/api/queues');
    expect(list.status).toBe(200);
    const names = (list.body as { name: string }[]).map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(['api-q', h.config.queueName]));
    const listed = list.body as { name: string; counts: Record<string, number> }[];
    expect(listed.find((q) => q.name === 'api-q')?.counts).toHaveProperty('waiting', 0);
    expect(await call('GET', '/api/queues/api-q')).toMatchObject({
      status: 200,
      body: { paused: true },
    });
  });

  it('oldest_waiting_at: null while none waits; the oldest waiting one, paused or not; null again when gone', async () => {
    type Listed = { name: string; counts: Record<string, number>; oldest_waiting_at: string };
    const queueOf = async (): Promise<Listed | undefined> =>
      ((await call('GET', '/api/queues')).body as Listed[]).find((q) => q.name === 'age-q');
    await call('PUT', '/api/queues/age-q', {});
    expect(await queueOf()).toMatchObject({ oldest_waiting_at: null });
    const before = Date.now();
    const first = await call('POST', '/api/queues/age-q/tasks', { url: 'http://127.0.0.1:9/1' });
    const after = Date.now();
    await call('POST', '/api/queues/age-q/tasks', { url: 'http://127.0.0.1:9/2' });
    const listed = (await queueOf())!;
    expect(listed.counts.waiting).toBe(2);
    const at = Date.parse(listed.oldest_waiting_at);
    expect(new Date(at).toISOString()).toBe(listed.oldest_waiting_at);
    // No worker runs: the first one added has waited since it was added.
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after);
    const paused = await call('PUT', '/api/queues/age-q', { paused: true });
    expect(paused.body).toMatchObject({
      paused: true,
      oldest_waiting_at: listed.oldest_waiting_at,
    });
    expect((await call('GET', '/api/queues/age-q')).body.oldest_waiting_at).toBe(
      listed.oldest_waiting_at,
    );
    await call('DELETE', `/api/queues/age-q/tasks/${first.body.execution_id}`);
    expect(Date.parse((await queueOf())!.oldest_waiting_at)).toBeGreaterThanOrEqual(at);
    expect((await call('DELETE', '/api/queues/age-q?force=true')).status).toBe(204);
    expect((await call('GET', `/api/queues/${h.config.queueName}`)).body.oldest_waiting_at).toBe(
      null,
    );
  });

  it('400 naming the field, 404 for an unknown queue', async () => {
    const bad = await call('PUT', '/api/queues/api-bad', { max_concurrency: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid queue');
    expect(bad.body.issues[0].path).toBe('max_concurrency');
    const rate = await call('PUT', '/api/queues/api-bad', { rate_limit: { max: 5 } });
    expect(rate.body.issues[0].path).toBe('rate_limit.per_seconds');
    const extra = await call('PUT', '/api/queues/api-bad', { speed: 1 });
    expect(extra.body.issues[0].path).toBe('speed');
    const name = await call('PUT', '/api/queues/bad%20name', {});
    expect(name).toMatchObject({ status: 400, body: { issues: [{ path: 'queue' }] } });
    expect((await call('GET', '/api/queues/nowhere')).status).toBe(404);
    expect((await call('DELETE', '/api/queues/nowhere')).status).toBe(404);
  });

  it('tasks on a named queue: ids per queue, every answer names the queue; DELETE 409 unless force', async () => {
    const one = await call('POST', '/api/queues/api-tasks/tasks', { url: 'http://127.0.0.1:9/a' });
    expect(one).toMatchObject({
      status: 202,
      body: { execution_id: 1, queue: 'api-tasks', state: 'waiting' },
    });
    const other = await call('POST', '/api/queues/api-other/tasks', {
      url: 'http://127.0.0.1:9/b',
    });
    expect(other.body).toMatchObject({ execution_id: 1, queue: 'api-other' });
    const bulk = await call('POST', '/api/queues/api-tasks/tasks/bulk', [
      { url: 'http://127.0.0.1:9/c' },
    ]);
    expect(bulk).toMatchObject({ status: 202, body: [{ execution_id: 2, queue: 'api-tasks' }] });
    expect(await call('GET', '/api/queues/api-tasks/tasks/2')).toMatchObject({
      status: 200,
      body: { execution_id: 2, queue: 'api-tasks', state: 'waiting' },
    });
    expect((await call('GET', '/api/queues/api-tasks/tasks/9')).status).toBe(404);
    expect((await call('DELETE', '/api/queues/api-tasks/tasks/2')).status).toBe(204);
    const refused = await call('DELETE', '/api/queues/api-tasks');
    expect(refused).toMatchObject({ status: 409, body: { error: 'queue not empty' } });
    expect((await call('DELETE', '/api/queues/api-tasks?force=true')).status).toBe(204);
    expect((await call('GET', '/api/queues/api-tasks')).status).toBe(404);
    expect((await call('POST', '/api/queues/bad%20name/tasks', { url: 'http://x/' })).status).toBe(
      400,
    );
  });

  it('the library: queues.list/set/pause/resume/remove and the queue option', async () => {
    const producer = h.api.producer;
    await producer.queues.set('lib-q', { max_concurrency: 2 });
    expect((await producer.queues.pause('lib-q')).paused).toBe(true);
    expect((await producer.queues.resume('lib-q')).paused).toBe(false);
    const { executionId, queue } = await producer.enqueue(
      { url: 'http://127.0.0.1:9/' },
      { queue: 'lib-q' },
    );
    expect(queue).toBe('lib-q');
    expect(await producer.getExecution(executionId, { queue: 'lib-q' })).toMatchObject({
      queue: 'lib-q',
      state: 'waiting',
    });
    expect((await producer.queues.list()).map((q) => q.name)).toContain('lib-q');
    await expect(producer.queues.set('lib-q', { max_concurrency: -1 })).rejects.toBeInstanceOf(
      InvalidQueueError,
    );
    await expect(producer.queues.remove('lib-q')).rejects.toBeInstanceOf(QueueNotEmptyError);
    await producer.queues.remove('lib-q', { force: true });
    await expect(producer.queues.get('lib-q')).rejects.toMatchObject({
      code: ErrorCode.QUEUE_NOT_FOUND,
    });
    await expect(producer.queues.pause('lib-q')).rejects.toBeInstanceOf(QueueNotFoundError);
  });

  it('the CLI: queues, queues set/pause/resume/rm, enqueue --queue, status --queue', async () => {
    const env = envOf(h.config);
    const set = await runCli(
      ['queues', 'set', 'cli-q', '--rate', '10/2', '--concurrency', '3'],
      env,
    );
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({
      name: 'cli-q',
      rate_limit: { max: 10, per_seconds: 2 },
      max_concurrency: 3,
    });
    expect(JSON.parse((await runCli(['queues', 'pause', 'cli-q'], env)).stdout).paused).toBe(true);
    expect(JSON.parse((await runCli(['queues', 'resume', 'cli-q'], env)).stdout).paused).toBe(
      false,
    );
    const list = await runCli(['queues'], env);
    expect((JSON.parse(list.stdout) as { name: string }[]).map((q) => q.name)).toContain('cli-q');
    const bad = await runCli(['queues', 'set', 'cli-q', '--concurrency', '0'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('max_concurrency');
    const enqueued = await runCli(
      ['enqueue', '--queue', 'cli-q', '--json', '{"url":"http://127.0.0.1:9/"}'],
      env,
    );
    expect(JSON.parse(enqueued.stdout)).toEqual({ execution_id: 1, queue: 'cli-q' });
    const status = await runCli(['status', '1', '--queue', 'cli-q'], env);
    expect(status.code).toBe(3);
    expect(JSON.parse(status.stdout)).toEqual({
      execution_id: 1,
      queue: 'cli-q',
      state: 'waiting',
    });
    const refused = await runCli(['queues', 'rm', 'cli-q'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('still holds 1');
    expect((await runCli(['queues', 'rm', 'cli-q', '--force'], env)).code).toBe(0);
    expect((await runCli(['queues', 'pause', 'cli-q'], env)).code).toBe(1);
  });
});
