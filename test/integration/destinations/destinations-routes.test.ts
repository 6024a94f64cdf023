import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEST_FIELDS as F,
  DESTINATION_LISTED_MS,
  gateIndexKeys,
  holderOf,
  subjectKeys,
} from '../../../shared/destinations/gate-keys.js';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';
import { GateRedis } from '../../helpers/gate-redis.js';
import { jsonCall } from '../../helpers/json-call.js';
import { deleteTestKeys } from '../../helpers/test-config.js';

const TOKEN = 'destinations-test-token';
const READER = 'destinations-reader-token';
const ORIGIN = 'https://api.example.com:443';
const PATH = `/api/destinations/${encodeURIComponent(ORIGIN)}`;

/** The destinations resource through the HTTP API, against the real Redis. */
describe('destinations: the HTTP API', () => {
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
  const keys = () => subjectKeys(h.config.prefix, 'dest', ORIGIN);
  const index = () => gateIndexKeys(h.config.prefix);

  it('PUT, GET and DELETE round trip; an origin without its port is named with it', async () => {
    expect((await call('GET', '/api/destinations', undefined, null)).status).toBe(401);
    expect((await call('PUT', PATH, { paused: true }, READER)).status).toBe(403);
    expect((await call('GET', PATH)).status).toBe(404);
    const short = `/api/destinations/${encodeURIComponent('https://api.example.com')}`;
    const set = await call('PUT', short, {
      rate_limit: { max: 5, per_seconds: 2 },
      max_concurrency: 3,
    });
    expect(set).toEqual({
      status: 200,
      body: {
        origin: ORIGIN,
        circuit: 'closed',
        consecutive_failures: 0,
        rate_limit: { max: 5, per_seconds: 2 },
        max_concurrency: 3,
        paused: false,
        in_flight: 0,
        held: 0,
      },
    });
    expect(await redis.hgetall(keys().state)).toEqual({
      [F.rateMax]: '5',
      [F.ratePerMs]: '2000',
      [F.maxConcurrency]: '3',
    });
    expect(await redis.pttl(keys().state)).toBe(-1);
    expect(await redis.smembers(index().limitedDestinations)).toEqual([ORIGIN]);
    const paused = await call('PUT', PATH, { paused: true, max_concurrency: null });
    expect(paused.body).toMatchObject({ rate_limit: { max: 5 }, max_concurrency: null });
    expect(await call('GET', PATH, undefined, READER)).toMatchObject({
      status: 200,
      body: { origin: ORIGIN, paused: true, rate_limit: { max: 5, per_seconds: 2 } },
    });
    const listed = await call('GET', '/api/destinations');
    expect((listed.body as { origin: string }[]).map((d) => d.origin)).toEqual([ORIGIN]);
    const reset = await call('DELETE', PATH);
    expect(reset.body).toMatchObject({ rate_limit: null, max_concurrency: null, paused: false });
    expect(await redis.smembers(index().limitedDestinations)).toEqual([]);
    // Nothing set any more: the hash, if any, expires like a destination only seen.
    expect(await redis.exists(keys().state)).toBe(0);
    expect((await call('GET', PATH)).status).toBe(404);
  });

  it('lists the live state the gate wrote, field by field; unseen for 24 h and unlimited: not listed', async () => {
    const now = Date.now();
    await redis.hset(keys().state, {
      [F.circuit]: 'open',
      [F.openUntil]: now + 30_000,
      [F.failures]: 7,
      [F.heldUntil]: now + 60_000,
      [F.holdReason]: 'Retry-After after HTTP 429',
      [F.learnedRate]: 2.5,
      [F.lastError]: 'HTTP 503 Service Unavailable',
      [F.lastErrorAt]: now - 500,
      [F.lastSuccessAt]: now - 1000,
      [`${F.inflightPrefix}w1`]: `3:${now + 10_000}`,
      [`${F.inflightPrefix}w2`]: `5:${now - 1000}`,
    });
    await redis.zadd(keys().leases, now + 5000, 'q\n1', now - 5000, 'q\n2');
    await redis.zadd(keys().held, now, 'q\n3', now - 120_000, 'q\n4');
    await redis.zadd(index().destinations, now, ORIGIN);
    await redis.zadd(index().destinations, now - DESTINATION_LISTED_MS - 1000, 'http://old:80');
    const listed = await call('GET', '/api/destinations');
    expect(listed).toEqual({
      status: 200,
      body: [
        {
          origin: ORIGIN,
          circuit: 'open',
          open_until: new Date(now + 30_000).toISOString(),
          consecutive_failures: 7,
          held_until: new Date(now + 60_000).toISOString(),
          hold_reason: 'Retry-After after HTTP 429',
          learned_rate: 2.5,
          rate_limit: null,
          max_concurrency: null,
          paused: false,
          // One live lease and worker w1's live count; w2's count expired.
          in_flight: 4,
          held: 1,
          last_error: 'HTTP 503 Service Unavailable',
          last_success_at: new Date(now - 1000).toISOString(),
        },
      ],
    });
    expect(
      (await call('GET', `/api/destinations/${encodeURIComponent('http://old')}`)).status,
    ).toBe(404);
    // A hold in the past and a closed circuit are not shown.
    await redis.hset(keys().state, F.heldUntil, now - 1, F.circuit, 'half_open');
    const one = (await call('GET', PATH)).body;
    expect(one).toMatchObject({ circuit: 'half_open', open_until: expect.any(String) });
    expect(one).not.toHaveProperty('held_until');
    expect(one).not.toHaveProperty('hold_reason');
  });

  it('circuit: "closed" closes it by hand; DELETE clears failures, holds and the learned rate', async () => {
    const now = Date.now();
    const gateState = {
      [F.circuit]: 'open',
      [F.openUntil]: now + 30_000,
      [F.cooldownMs]: 60_000,
      [F.probe]: 'q\n9',
      [F.probeUntil]: now + 1000,
      [F.failures]: 10,
      [F.seenAt]: now,
    };
    await redis.hset(keys().state, gateState);
    await redis.zadd(index().destinations, now, ORIGIN);
    const closed = await call('PUT', PATH, { circuit: 'closed' });
    expect(closed.body).toMatchObject({ circuit: 'closed', consecutive_failures: 0 });
    expect(closed.body).not.toHaveProperty('open_until');
    expect(await redis.hgetall(keys().state)).toEqual({ [F.failures]: '0', [F.seenAt]: `${now}` });
    // Nothing set by an operator: the hash expires in 24 h.
    expect(await redis.pttl(keys().state)).toBeGreaterThan(DESTINATION_LISTED_MS - 60_000);
    await redis.hset(keys().state, {
      ...gateState,
      [F.heldUntil]: now + 60_000,
      [F.holdReason]: 'Retry-After after HTTP 503',
      [F.learnedRate]: 4,
      [F.learnedAt]: now,
      [F.learnedStep]: 1,
      [F.rateMax]: 1,
      [F.ratePerMs]: 1000,
      [F.paused]: '1',
    });
    const reset = await call('DELETE', PATH);
    expect(reset.status).toBe(200);
    expect(await redis.hgetall(keys().state)).toEqual({ [F.seenAt]: `${now}` });
    expect(reset.body).toEqual({
      origin: ORIGIN,
      circuit: 'closed',
      consecutive_failures: 0,
      rate_limit: null,
      max_concurrency: null,
      paused: false,
      in_flight: 0,
      held: 0,
    });
  });

  it.each([
    ['not a URL', 'api.example.com', undefined],
    ['a path', 'https://api.example.com/v1', undefined],
    ['a query', 'https://api.example.com/?a=1', undefined],
    ['an empty query', 'https://api.example.com?', undefined],
    ['a fragment', 'https://api.example.com/#top', undefined],
    ['user info', 'https://user:pw@api.example.com', undefined],
    ['another scheme', 'ftp://api.example.com', undefined],
  ])('400 naming origin for %s, nothing stored', async (_what, origin) => {
    const answer = await call('PUT', `/api/destinations/${encodeURIComponent(origin)}`, {
      paused: true,
    });
    expect(answer).toMatchObject({
      status: 400,
      body: { error: 'invalid destination', issues: [{ path: 'origin' }] },
    });
    expect(await redis.gateKeys()).toEqual([]);
  });

  it.each([
    ['rate_limit.max', { rate_limit: { max: -1, per_seconds: 1 } }],
    ['rate_limit.max', { rate_limit: { max: 1.5, per_seconds: 1 } }],
    ['rate_limit.per_seconds', { rate_limit: { max: 5 } }],
    ['rate_limit.per_seconds', { rate_limit: { max: 5, per_seconds: -1 } }],
    ['max_concurrency', { max_concurrency: 0 }],
    ['max_concurrency', { max_concurrency: 2.5 }],
    ['paused', { paused: 'yes' }],
    ['circuit', { circuit: 'open' }],
    ['speed', { speed: 1, paused: true }],
  ])('400 naming %s, nothing stored', async (path, body) => {
    const answer = await call('PUT', PATH, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid destination');
    expect((answer.body.issues as { path: string }[]).map((i) => i.path)).toContain(path);
    expect(await redis.gateKeys()).toEqual([]);
  });

  it('messages for people name the rule', async () => {
    const answer = await call('PUT', PATH, { rate_limit: { max: 0, per_seconds: 1 } });
    expect(answer.body.issues).toEqual([
      { path: 'rate_limit.max', message: 'expected a whole number >= 1' },
    ]);
  });

  it.each([
    ['resume', { paused: false }, { [F.paused]: '1' }],
    ['close', { circuit: 'closed' }, { [F.circuit]: 'open', [F.failures]: '10' }],
    ['a raised concurrency limit', { max_concurrency: 5 }, { [F.maxConcurrency]: '1' }],
    ['a removed rate limit', { rate_limit: null }, { [F.rateMax]: '1', [F.ratePerMs]: '1000' }],
    ['DELETE', undefined, { [F.paused]: '1' }],
  ])(
    '%s wakes every held execution: its delayed job becomes waiting',
    async (_what, body, state) => {
      await redis.hset(keys().state, state);
      const jobs = await Promise.all(
        ['held-1', 'held-2'].map((jobId) => h.queue.add('task', {}, { jobId, delay: 3_600_000 })),
      );
      const holders = jobs.map((job) => holderOf(h.config.queueName, job.id!));
      await redis.zadd(
        keys().wake,
        Date.now() + 3_600_000,
        holders[0]!,
        Date.now() + 60_000,
        holders[1]!,
      );
      const answer =
        body === undefined ? await call('DELETE', PATH) : await call('PUT', PATH, body);
      expect(answer.status).toBe(200);
      expect(await h.queue.getJobState('held-1')).toBe('waiting');
      expect(await h.queue.getJobState('held-2')).toBe('waiting');
      expect(await redis.exists(keys().wake)).toBe(0);
    },
  );

  it('a tightened limit or a pause wakes no one', async () => {
    await redis.hset(keys().state, F.maxConcurrency, '5');
    await h.queue.add('task', {}, { jobId: 'held-3', delay: 3_600_000 });
    await redis.zadd(keys().wake, Date.now() + 60_000, holderOf(h.config.queueName, 'held-3'));
    await call('PUT', PATH, { max_concurrency: 2, paused: true });
    expect(await h.queue.getJobState('held-3')).toBe('delayed');
    expect(await redis.zcard(keys().wake)).toBe(1);
  });

  it('every change is published on the changes channel', async () => {
    const next = await redis.nextChange((message) => message === `dest\n${ORIGIN}`);
    await call('PUT', PATH, { paused: true });
    expect(await next()).toBe(`dest\n${ORIGIN}`);
    const again = await redis.nextChange((message) => message === `dest\n${ORIGIN}`);
    await call('DELETE', PATH);
    expect(await again()).toBe(`dest\n${ORIGIN}`);
  });
});
