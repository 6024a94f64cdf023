/* eslint-disable @typescript-eslint/no-explicit-any --
   HTTP answers are untyped JSON; the expectations check their shape. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../../api/create-api-server.js';
import type { Config } from '../../../shared/config.js';
import { ErrorCode } from '../../../shared/errors/error-codes.js';
import { OutcomeUnknownError } from '../../../shared/errors/outcome-unknown-error.js';
import { createLogger } from '../../../shared/logger.js';
import { eventually } from '../../helpers/eventually.js';
import { ownRedis, type OwnRedis } from '../../helpers/own-redis.js';
import { testConfig } from '../../helpers/test-config.js';
import { TestQueue } from '../../helpers/test-queue.js';

/** Generous for a loaded machine, yet far below the producer's 5 s command timeout. */
const FAST_MS = 4000;
const TASK = { url: 'http://127.0.0.1:9/frozen' };

/** Redis froze (SIGSTOP) after the enqueue was sent: the outcome is unknown, never "nothing stored". */
describe('Redis frozen at enqueue', () => {
  let redis: OwnRedis;
  let config: Config;
  let api: ApiServer;
  let queue: TestQueue;
  let url: string;

  beforeEach(async () => {
    redis = await ownRedis();
    config = testConfig({ REDIS_URL: redis.url });
    api = await createApiServer(config, createLogger(config));
    queue = new TestQueue(config);
    url = await api.listen({ host: '127.0.0.1', port: 0 });
    // Connected and BullMQ initialised, so that the frozen request is the enqueue itself.
    expect((await post('/api/tasks/none', undefined, {}, 'GET')).status).toBe(404);
  });
  afterEach(async () => {
    redis.thaw();
    await api.close();
    await queue.close();
    await redis.destroy();
  });

  async function post(
    path: string,
    json: unknown,
    headers: Record<string, string> = {},
    method = 'POST',
  ): Promise<{ status: number; body: any; ms: number }> {
    const startedAt = Date.now();
    const response = await fetch(`${url}${path}`, {
      method,
      headers: json === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const body: unknown = await response.json();
    return { status: response.status, body, ms: Date.now() - startedAt };
  }

  function expectOutcomeUnknown(answer: { status: number; body: any }): void {
    expect(answer.status).toBe(503);
    expect(answer.body.error).toBe('outcome unknown');
    expect(answer.body.message).not.toMatch(/nothing was stored/);
  }

  it('single with an Idempotency-Key: "outcome unknown"; after SIGCONT the retry returns the one execution', async () => {
    const key = 'order-frozen-1';
    redis.freeze();
    const first = await post('/api/tasks', TASK, { 'idempotency-key': key });
    expectOutcomeUnknown(first);
    expect(first.body.execution_id).toBe(key);

    redis.thaw();
    const retry = await post('/api/tasks', TASK, { 'idempotency-key': key });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ execution_id: key, state: 'waiting' });
    expect(await queue.count()).toBe(1);
    expect((await queue.getWaiting()).map((job) => job.id)).toEqual([key]);
  }, 60_000);

  it('?wait, bulk and the library say "outcome unknown"; each ran exactly once after SIGCONT', async () => {
    redis.freeze();
    const [waited, bulk, library] = await Promise.all([
      post('/api/tasks?wait=30', TASK),
      post('/api/tasks/bulk', [TASK, TASK]),
      api.producer.enqueue(TASK).then(
        () => null,
        (error: unknown) => error,
      ),
    ]);
    expectOutcomeUnknown(waited);
    expectOutcomeUnknown(bulk);
    expect(library).toBeInstanceOf(OutcomeUnknownError);
    expect((library as OutcomeUnknownError).code).toBe(ErrorCode.OUTCOME_UNKNOWN);

    redis.thaw();
    // The frozen Redis runs the commands it had been sent (in its own order among
    // its clients): 1 + 2 + 1 jobs, and no more.
    await eventually(async () => (await queue.count()) >= 4, 'the four frozen enqueues');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await queue.count()).toBe(4);
  }, 60_000);

  it('Redis stopped (nothing sent): 503 "redis unavailable", quickly', async () => {
    await redis.stop();
    const single = await post('/api/tasks', TASK, { 'idempotency-key': 'order-stopped-1' });
    const bulk = await post('/api/tasks/bulk', [TASK]);
    for (const answer of [single, bulk]) {
      expect(answer.status).toBe(503);
      expect(answer.body.error).toBe('redis unavailable');
      expect(answer.ms).toBeLessThan(FAST_MS);
    }
  }, 60_000);
});
