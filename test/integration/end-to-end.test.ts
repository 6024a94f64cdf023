import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import type { ScriptedTarget } from '../helpers/scripted-target.js';
import { startTargetServer } from '../helpers/target-server.js';
import { SEED_OUTPUT_KEYS } from '../helpers/seed-output-keys.js';

/**
 * Tasks enqueued by the producer, run by a real worker through the real Redis
 * against a real HTTP server on loopback, outputs read back from the jobs.
 */
describe('REST tasks end to end', () => {
  let target: ScriptedTarget;
  let h: Harness;

  beforeAll(async () => {
    target = await startTargetServer();
    h = startHarness();
  });
  afterAll(async () => {
    await h.close();
    await target.close();
  });

  const lastSeen = () => target.arrivals.at(-1)!;

  it('runs the TaskREST joke example: GET a URL, read a field of the JSON', async () => {
    const execution = await h.run({ url: `${target.url}/jokes/random` });
    expect(execution.state).toBe('completed');
    const output = execution.output!;
    expect(Object.keys(output).sort()).toEqual(SEED_OUTPUT_KEYS);
    expect(output).toMatchObject({
      execution_id: execution.execution_id,
      status: 'success',
      message: 'HTTP 200 OK',
      status_code: 200,
      encoding: 'utf-8',
      cookies: {},
    });
    expect(typeof output.execution_id).toBe('number');
    expect((output.json as { value: { joke: string } }).value.joke).toMatch(/Chuck Norris/);
    expect(JSON.parse(output.text!)).toEqual(output.json);
    expect(output.headers['content-type']).toBe('application/json');
    expect(output.log.some((l) => l.includes(`GET ${target.url}/jokes/random`))).toBe(true);
    expect(output.log.some((l) => l.endsWith('response HTTP 200 OK'))).toBe(true);
  });

  it('runs the TaskREST URL-parts example exactly (hostname, base_url, url as path, params)', async () => {
    const execution = await h.run({
      scheme: 'http',
      hostname: `127.0.0.1:${target.port}`,
      base_url: 'anything',
      url: 'some/path',
      params: { query: 'parameter' },
    });
    expect(execution.output?.status).toBe('success');
    expect(lastSeen().url).toBe('/anything/some/path?query=parameter');
  });

  it('composes scheme, hostname, base_path and path, and sends the method and headers', async () => {
    const execution = await h.run({
      scheme: 'http',
      hostname: `127.0.0.1:${target.port}`,
      base_path: 'anything/v1',
      path: 'items',
      method: 'DELETE',
      headers: { 'X-Trace': 'abc', Accept: 'application/json' },
      params: { tag: ['a', 'b'] },
    });
    expect(execution.output?.status).toBe('success');
    expect(lastSeen()).toMatchObject({
      method: 'DELETE',
      url: '/anything/v1/items?tag=a&tag=b',
      headers: expect.objectContaining({ 'x-trace': 'abc', accept: 'application/json' }),
    });
  });

  it('sends cookies and returns the cookies the response sets', async () => {
    const execution = await h.run({
      url: `${target.url}/cookies/set`,
      cookies: { a: '1', b: 'two' },
    });
    expect(lastSeen().headers.cookie).toBe('a=1; b=two');
    // RFC 6265: the DQUOTEs of a quoted value are part of the value.
    expect(execution.output?.cookies).toEqual({ session: 'abc123', theme: '"dark"' });
    expect(execution.output?.headers['set-cookie']).toBe('[REDACTED]');
  });

  it.each([
    ['json', { json: { a: 1, b: [true, null] } }, 'application/json', '{"a":1,"b":[true,null]}'],
    ['data (deprecated)', { data: { legacy: true } }, 'application/json', '{"legacy":true}'],
    ['text', { text: 'plain words ✓' }, 'text/plain; charset=utf-8', 'plain words ✓'],
    [
      'urlencoded',
      { urlencoded: { q: 'a b&c', n: 1 } },
      'application/x-www-form-urlencoded',
      'q=a+b%26c&n=1',
    ],
  ])('sends a %s body', async (_name, body, contentType, sent) => {
    const execution = await h.run({ url: `${target.url}/echo`, method: 'post', ...body });
    expect(execution.output?.status).toBe('success');
    expect(lastSeen().body).toBe(sent);
    expect(lastSeen().headers['content-type']).toBe(contentType);
    expect(lastSeen().headers['content-length']).toBe(String(Buffer.byteLength(sent)));
  });

  it('logs that data is deprecated', async () => {
    const execution = await h.run({ url: `${target.url}/echo`, method: 'post', data: [1] });
    expect(execution.output?.log.some((l) => /"data" is deprecated/.test(l))).toBe(true);
  });

  it('lets a task header replace the body content type', async () => {
    await h.run({
      url: `${target.url}/echo`,
      method: 'put',
      text: '<a/>',
      headers: { 'Content-Type': 'application/xml' },
    });
    expect(lastSeen().headers['content-type']).toBe('application/xml');
  });

  it('follows redirects hop by hop, logging each, carrying cookies on the same origin', async () => {
    const execution = await h.run({ url: `${target.url}/redirect/3` });
    const output = execution.output!;
    expect(output.status).toBe('success');
    expect(output.json).toMatchObject({ arrived: true });
    expect(output.log.filter((l) => / redirect 302 to /.test(l))).toHaveLength(3);
    expect(lastSeen().headers.cookie).toBe('hop3=1; hop2=1; hop1=1');
    expect(output.cookies).toEqual({ hop3: '1', hop2: '1', hop1: '1' });
  });

  it('keeps method and body on a 307', async () => {
    const execution = await h.run({
      url: `${target.url}/redirect-307`,
      method: 'post',
      json: { k: 'v' },
    });
    expect(execution.output?.json).toMatchObject({ method: 'POST', body: '{"k":"v"}' });
  });

  it('does not follow redirects with allow_redirects false: the 302 is the final response', async () => {
    const execution = await h.run({ url: `${target.url}/redirect/1`, allow_redirects: false });
    expect(execution.state).toBe('failed');
    expect(execution.output).toMatchObject({ status: 'error', status_code: 302 });
    expect(execution.output?.headers.location).toBe('/redirect/0');
    expect(execution.output?.message).toMatch(/HTTP 302.*expected 200, 201, 202, 204/);
  });

  it('fails beyond max_redirects, and on a redirect loop', async () => {
    const tooMany = await h.run({ url: `${target.url}/redirect/3`, max_redirects: 2 });
    expect(tooMany.output).toMatchObject({ status: 'error' });
    expect(tooMany.output?.message).toMatch(/too many redirects: more than max_redirects \(2\)/);
    const loop = await h.run({ url: `${target.url}/loop` });
    expect(loop.output?.message).toMatch(/too many redirects: more than max_redirects \(10\)/);
  });

  it('judges the status by expected_status_code', async () => {
    const notFound = await h.run({ url: `${target.url}/status/404` });
    expect(notFound.state).toBe('failed');
    expect(notFound.output).toMatchObject({
      status: 'error',
      status_code: 404,
      json: { status: 404 },
    });
    const expected = await h.run({ url: `${target.url}/status/404`, expected_status_code: [404] });
    expect(expected.state).toBe('completed');
    expect(expected.output?.status).toBe('success');
  });

  it('decodes compressed bodies and declared charsets', async () => {
    const gzip = await h.run({ url: `${target.url}/gzip` });
    expect(gzip.output?.json).toEqual({ compressed: true, text: 'grüße' });
    const latin1 = await h.run({ url: `${target.url}/latin1` });
    expect(latin1.output).toMatchObject({ text: 'café', encoding: 'windows-1252' });
  });

  it('leaves json out when the body is not JSON', async () => {
    const execution = await h.run({ url: `${target.url}/not-json` });
    expect(execution.output?.text).toBe('{"oops": ');
    expect(execution.output).not.toHaveProperty('json');
  });

  it('reports a network error as status error with a message, output retrievable', async () => {
    const execution = await h.run({ url: 'http://127.0.0.1:9/', retry_backoff: { deadline: 0 } });
    expect(execution.state).toBe('failed');
    expect(execution.output).toMatchObject({ status: 'error', status_code: null, text: null });
    expect(execution.output?.message).toMatch(/refused/);
    const again = await h.producer.getExecution(execution.execution_id);
    expect(again?.output).toEqual(execution.output);
  });

  it('rejects a bad task at enqueue, naming the field, and stores nothing', async () => {
    const before = await h.queue.getJobCountByTypes(
      'waiting',
      'active',
      'completed',
      'failed',
      'delayed',
    );
    await expect(
      h.producer.enqueue({ url: `${target.url}/`, retry_backoff: { multiplier: 0.5 } }),
    ).rejects.toThrow('retry_backoff.multiplier: expected a number >= 1');
    const after = await h.queue.getJobCountByTypes(
      'waiting',
      'active',
      'completed',
      'failed',
      'delayed',
    );
    expect(after).toBe(before);
  });

  it('fails a bad job written straight into Redis, naming the field, and keeps working', async () => {
    const connection = new Redis(h.config.redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue(h.config.queueName, { connection, prefix: h.config.prefix });
    try {
      const bad = await queue.add('rest-task', {
        url: `${target.url}/echo`,
        method: 'fetch',
        timeout: 3,
      });
      const good = await queue.add('rest-task', { url: `${target.url}/echo` });
      const badExecution = await h.producer.waitForResult(bad.id!, { timeoutMs: 10_000 });
      expect(badExecution?.state).toBe('failed');
      expect(badExecution?.output?.message).toMatch(/method: expected one of get, post/);
      expect(badExecution?.output?.message).toMatch(/timeout: unknown input/);
      const failed = await queue.getJob(bad.id!);
      expect(failed?.failedReason).toMatch(/method: expected one of/);
      const goodExecution = await h.producer.waitForResult(good.id!, { timeoutMs: 10_000 });
      expect(goodExecution?.state).toBe('completed');
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it('writes a failed execution’s log lines to the job’s BullMQ log too; a quick completed one’s only to its output', async () => {
    const failed = await h.run({ url: `${target.url}/redirect/1`, expected_status_code: [201] });
    expect(failed.output?.status).toBe('error');
    expect((await h.queue.getJobLogs(String(failed.execution_id))).logs).toEqual(
      failed.output?.log,
    );
    const completed = await h.run({ url: `${target.url}/redirect/1` });
    expect(completed.output?.log).toHaveLength(5);
    expect((await h.queue.getJobLogs(String(completed.execution_id))).logs).toEqual([]);
  });
});
