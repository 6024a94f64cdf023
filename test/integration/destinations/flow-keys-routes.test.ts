import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEST_FIELDS as F,
  gateIndexKeys,
  holderOf,
  subjectKeys,
} from '../../../shared/destinations/gate-keys.js';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';
import { GateRedis } from '../../helpers/gate-redis.js';
import { jsonCall } from '../../helpers/json-call.js';
import { deleteTestKeys } from '../../helpers/test-config.js';

const TOKEN = 'flow-keys-test-token';
const READER = 'flow-keys-reader-token';
const KEY = 'tenant/42';
const PATH = `/api/flow-keys/${encodeURIComponent(KEY)}`;

/** The flow keys resource through the HTTP API, against the real Redis. */
describe('flow keys: the HTTP API', () => {
  let h: ApiHarness;
  let redis: GateRedis;

  beforeAll(async () => {
    h = await startApiHarness({ API_TOKENS: `${TOKEN},reports:${READER}:read` }, { worker: false });
    redis = new GateRedis(h.config);
  });
  beforeEach(async () => {
    await deleteTestKeys(h.config);
  });
  afterAll(async () => {
    redis?.disconnect();
    await h?.close();
  });

  const call = (method: string, path: string, body?: unknown, token: string | null = TOKEN) =>
    jsonCall(h.url, method, path, body, token);
  const keys = () => subjectKeys(h.config.prefix, 'flow', KEY);
  const index = () => gateIndexKeys(h.config.prefix);

  it('PUT, GET and DELETE round trip, with the same scopes as the queues', async () => {
    expect((await call('GET', '/api/flow-keys', undefined, null)).status).toBe(401);
    expect((await call('PUT', PATH, { paused: true }, READER)).status).toBe(403);
    expect((await call('GET', PATH)).status).toBe(404);
    const set = await call('PUT', PATH, { rate_limit: { max: 10, per_seconds: 60 }, paused: true });
    expect(set).toEqual({
      status: 200,
      body: {
        flow_key: KEY,
        rate_limit: { max: 10, per_seconds: 60 },
        max_concurrency: null,
        paused: true,
        in_flight: 0,
        held: 0,
      },
    });
    expect(await redis.hgetall(keys().state)).toEqual({
      [F.rateMax]: '10',
      [F.ratePerMs]: '60000',
      [F.paused]: '1',
    });
    expect(await redis.smembers(index().limitedFlowKeys)).toEqual([KEY]);
    expect(await call('GET', PATH, undefined, READER)).toMatchObject({
      status: 200,
      body: { flow_key: KEY, paused: true },
    });
    const changed = await call('PUT', PATH, { max_concurrency: 4, paused: false });
    expect(changed.body).toMatchObject({
      rate_limit: { max: 10 },
      max_concurrency: 4,
      paused: false,
    });
    const removed = await call('DELETE', PATH);
    expect(removed.body).toMatchObject({ rate_limit: null, max_concurrency: null, paused: false });
    expect(await redis.smembers(index().limitedFlowKeys)).toEqual([]);
    expect(await redis.exists(keys().state)).toBe(0);
    expect((await call('GET', PATH)).status).toBe(404);
  });

  it('lists flow keys seen in the last 24 h with their in flight and held counts', async () => {
    const now = Date.now();
    await redis.hset(keys().state, {
      [F.maxConcurrency]: 2,
      [F.seenAt]: now,
      [`${F.inflightPrefix}w1`]: `2:${now + 10_000}`,
    });
    await redis.zadd(keys().leases, now + 5000, 'q\n1');
    await redis.zadd(keys().held, now - 1000, 'q\n2', now, 'q\n3');
    await redis.zadd(index().flowKeys, now, KEY);
    await redis.sadd(index().limitedFlowKeys, 'only-limited');
    await redis.hset(subjectKeys(h.config.prefix, 'flow', 'only-limited').state, F.paused, '1');
    const listed = await call('GET', '/api/flow-keys');
    expect(listed).toEqual({
      status: 200,
      body: [
        {
          flow_key: KEY,
          rate_limit: null,
          max_concurrency: 2,
          paused: false,
          in_flight: 3,
          held: 2,
        },
        {
          flow_key: 'only-limited',
          rate_limit: null,
          max_concurrency: null,
          paused: true,
          in_flight: 0,
          held: 0,
        },
      ],
    });
  });

  it.each([
    ['flow_key', 'x'.repeat(201), {}],
    ['flow_key', 'bad key', {}],
    ['rate_limit.max', KEY, { rate_limit: { max: -3, per_seconds: 1 } }],
    ['max_concurrency', KEY, { max_concurrency: 1.5 }],
    ['circuit', KEY, { circuit: 'closed' }],
    ['speed', KEY, { speed: 2 }],
  ])('400 naming %s, nothing stored', async (path, key, body) => {
    const answer = await call('PUT', `/api/flow-keys/${encodeURIComponent(key)}`, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid flow key');
    expect((answer.body.issues as { path: string }[]).map((i) => i.path)).toContain(path);
    expect(await redis.gateKeys()).toEqual([]);
  });

  it('takes a key of 200 characters', async () => {
    const long = 'k'.repeat(200);
    const answer = await call('PUT', `/api/flow-keys/${long}`, { max_concurrency: 1 });
    expect(answer).toMatchObject({ status: 200, body: { flow_key: long, max_concurrency: 1 } });
  });

  it('resume and DELETE wake every held execution; the change is published', async () => {
    for (const [jobId, change] of [
      ['flow-held-1', () => call('PUT', PATH, { paused: false })],
      ['flow-held-2', () => call('DELETE', PATH)],
    ] as const) {
      await redis.hset(keys().state, F.paused, '1');
      await h.queue.add('task', {}, { jobId, delay: 3_600_000 });
      await redis.zadd(keys().wake, Date.now() + 60_000, holderOf(h.config.queueName, jobId));
      const next = await redis.nextChange((message) => message === `flow\n${KEY}`);
      expect((await change()).status).toBe(200);
      expect(await next()).toBe(`flow\n${KEY}`);
      expect(await h.queue.getJobState(jobId)).toBe('waiting');
    }
  });
});
