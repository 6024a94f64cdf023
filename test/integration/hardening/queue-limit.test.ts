import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, TaskProducer, TooManyQueuesError } from '../../../producer/index.js';
import { producerOptionsOf } from '../../../producer/task-producer-options.js';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';
import { jsonCall } from '../../helpers/json-call.js';
import { runCli } from '../../helpers/run-cli.js';
import { deleteTestKeys, envOf, testConfig } from '../../helpers/test-config.js';

const TOKEN = 'queue-limit-token';
/** The default queue and two more. */
const LIMIT = 3;
const TASK = { url: 'http://127.0.0.1:9/never-sent' };

/**
 * Any holder of an enqueue token can create queues (enqueueing to a new
 * queue creates it), and every queue costs each worker a Worker and a
 * blocking connection: TASKREST_MAX_QUEUES bounds them, atomically, wherever
 * a queue is created.
 */
describe('TASKREST_MAX_QUEUES', () => {
  let h: ApiHarness;
  let producer: TaskProducer;
  let redis: Redis;

  beforeAll(async () => {
    h = await startApiHarness(
      { API_TOKENS: TOKEN, TASKREST_MAX_QUEUES: String(LIMIT) },
      { worker: false },
    );
    producer = new TaskProducer(producerOptionsOf(h.config));
    redis = new Redis(h.config.redisUrl);
  });
  afterAll(async () => {
    await producer?.close();
    redis?.disconnect();
    await h?.close();
  });

  const call = (method: string, path: string, body?: unknown) =>
    jsonCall(h.url, method, path, body, TOKEN);
  const keysOf = async (queue: string) =>
    (await redis.keys(`${h.config.prefix}:${queue}:*`)).concat(
      await redis.keys(`{${h.config.prefix}:${queue}}*`),
    );
  const names = async () =>
    ((await call('GET', '/api/queues')).body as { name: string }[]).map((q) => q.name);

  it('refuses queue number N+1 however it would be created, and stores nothing of it', async () => {
    expect((await call('PUT', '/api/queues/first', {})).status).toBe(200);
    expect((await call('POST', '/api/queues/second/tasks', TASK)).status).toBe(202);

    const refused = await call('PUT', '/api/queues/third', { max_concurrency: 2 });
    expect(refused).toMatchObject({ status: 409, body: { error: 'too many queues' } });
    expect(refused.body.message).toMatch(/third/);
    expect(refused.body.message).toMatch(/TASKREST_MAX_QUEUES/);
    expect((await call('POST', '/api/queues/third/tasks', TASK)).status).toBe(409);
    expect((await call('POST', '/api/queues/third/tasks/bulk', [TASK, TASK])).status).toBe(409);
    const schedule = { task: TASK, queue: 'third', every_seconds: 60 };
    expect((await call('PUT', '/api/schedules/nightly', schedule)).status).toBe(409);
    expect((await call('GET', '/api/schedules/nightly')).status).toBe(404);

    const library = producer.enqueue(TASK, { queue: 'third' });
    await expect(library).rejects.toBeInstanceOf(TooManyQueuesError);
    await expect(library).rejects.toMatchObject({ code: ErrorCode.TOO_MANY_QUEUES, limit: LIMIT });
    await expect(producer.queues.set('third', {})).rejects.toBeInstanceOf(TooManyQueuesError);

    const env = envOf(h.config, { TASKREST_MAX_QUEUES: String(LIMIT) });
    const cliSet = await runCli(['queues', 'set', 'third', '--concurrency', '2'], env);
    expect(cliSet.code).toBe(1);
    expect(cliSet.stderr).toMatch(/TASKREST_MAX_QUEUES/);
    const cliEnqueue = await runCli(['enqueue', '--queue', 'third'], env, JSON.stringify(TASK));
    expect(cliEnqueue.code).toBe(1);

    expect(await names()).toEqual([h.config.queueName, 'first', 'second'].sort());
    expect(await keysOf('third')).toEqual([]);
  });

  it('keeps every existing queue working at the limit', async () => {
    expect((await call('PUT', '/api/queues/first', { paused: true })).status).toBe(200);
    expect((await call('POST', '/api/queues/first/tasks', TASK)).status).toBe(202);
    expect((await call('POST', '/api/queues/second/tasks/bulk', [TASK])).status).toBe(202);
    expect((await call('POST', '/api/tasks', TASK)).status).toBe(202);
    const schedule = { task: TASK, queue: 'second', every_seconds: 60 };
    expect((await call('PUT', '/api/schedules/nightly', schedule)).status).toBe(200);
    expect((await call('DELETE', '/api/schedules/nightly')).status).toBe(204);
  });

  it('a removed queue makes room for a new one', async () => {
    expect((await call('DELETE', '/api/queues/first?force=true')).status).toBe(204);
    expect((await call('PUT', '/api/queues/third', {})).status).toBe(200);
    expect(await names()).toEqual([h.config.queueName, 'second', 'third'].sort());
  });

  it('holds when many producers create queues at the same moment', async () => {
    for (let round = 0; round < 5; round += 1) {
      const config = testConfig({ TASKREST_MAX_QUEUES: '5' });
      const producers = Array.from(
        { length: 12 },
        () => new TaskProducer(producerOptionsOf(config)),
      );
      try {
        const results = await Promise.allSettled(
          producers.map((p, i) => p.queues.set(`race-${i}`, {})),
        );
        const refused = results.filter((r) => r.status === 'rejected');
        expect(results.length - refused.length).toBe(4);
        for (const r of refused) expect(r.reason).toBeInstanceOf(TooManyQueuesError);
        expect(await producers[0]!.queues.list()).toHaveLength(5);
      } finally {
        await Promise.all(producers.map((p) => p.close()));
        await deleteTestKeys(config);
      }
    }
  });
});
