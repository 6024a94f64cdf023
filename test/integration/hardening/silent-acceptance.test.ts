import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidOptionsError,
  InvalidTaskError,
  type EnqueueOptions,
} from '../../../producer/index.js';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';
import { jsonCall } from '../../helpers/json-call.js';

const task = { url: 'http://127.0.0.1:9/never' };

/** Nothing the API or the library is told is ignored or read as something else. */
describe('no silent acceptance', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness({}, { worker: false });
  });
  afterAll(async () => {
    await h?.close();
  });
  const call = (method: string, path: string, body?: unknown) =>
    jsonCall(h.url, method, path, body, null);
  const waiting = () => h.queue.getJobCounts('waiting', 'delayed', 'prioritized');

  it('an unknown query parameter of a POST route is 400, naming it and the option it is near', async () => {
    const before = await waiting();
    for (const path of ['/api/tasks?dealy=5', '/api/tasks/bulk?dealy=5']) {
      const body = path.includes('bulk') ? [task] : task;
      const answer = await call('POST', path, body);
      expect(answer.status, path).toBe(400);
      expect(answer.body).toEqual({
        error: 'invalid options',
        issues: [{ path: 'dealy', message: 'unknown option (did you mean delay?)' }],
      });
    }
    // ?wait is the single route's own: still taken.
    expect((await call('POST', '/api/tasks?wait=0', task)).status).toBe(202);
    expect((await waiting()).waiting).toBe((before.waiting ?? 0) + 1);
  });

  it.each(['0x10', '1e3', ' 5', '0b1', 'Infinity'])(
    'delay=%s is not read as a number: 400, nothing stored',
    async (delay) => {
      const before = await waiting();
      const answer = await call('POST', `/api/tasks?delay=${encodeURIComponent(delay)}`, task);
      expect(answer.status).toBe(400);
      expect(answer.body.issues).toEqual([
        { path: 'delay', message: 'expected a number of seconds' },
      ]);
      expect(await waiting()).toEqual(before);
    },
  );

  it('a PUT body null is 400, for queues and schedules; no body at all creates a queue as it is', async () => {
    const name = `${h.config.queueName}-null`;
    const queue = await call('PUT', `/api/queues/${name}`, null);
    expect(queue.status).toBe(400);
    expect(queue.body.error).toBe('invalid queue');
    expect((await call('GET', `/api/queues/${name}`)).status).toBe(404);
    const schedule = await call('PUT', `/api/schedules/${name}`, null);
    expect(schedule.status).toBe(400);
    expect(schedule.body.error).toBe('invalid schedule');
    expect((await call('PUT', `/api/queues/${name}`)).status).toBe(200);
    await h.api.producer.queues.remove(name, { force: true });
  });

  it('a body of a Content-Type the route does not read is 415', async () => {
    const response = await fetch(`${h.url}/api/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: '<task/>',
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({
      error: 'unsupported media type',
      message: expect.stringContaining('application/json'),
    });
  });

  it.each([
    'http://127.0.0.1:9/ done',
    'http://127.0.0.1:9/\r\nX-Injected: 1',
    'http://127.0.0.1:9/\tx',
    'http://127.0.0.1:0/zero-port',
    'ftp://127.0.0.1/file',
  ])('a callback URL %j is refused at enqueue: API, bulk item, library', async (callback) => {
    const before = await waiting();
    const single = await call('POST', `/api/tasks?callback=${encodeURIComponent(callback)}`, task);
    expect(single.status).toBe(400);
    expect(single.body.issues[0].path).toBe('callback');
    const bulk = await call('POST', '/api/tasks/bulk', [task, { task, callback }]);
    expect(bulk.status).toBe(400);
    expect(bulk.body.issues[0].path).toBe('1.callback');
    await expect(h.api.producer.enqueue(task, { callback })).rejects.toBeInstanceOf(
      InvalidTaskError,
    );
    expect(await waiting()).toEqual(before);
  });

  it('a bulk that repeats an idempotency key is 400 naming both indexes; nothing stored', async () => {
    const before = await waiting();
    const key = `${h.config.queueName}-dup`;
    const answer = await call('POST', '/api/tasks/bulk', [
      { task, idempotency_key: key },
      { task },
      {
        task: { ...task, method: 'post' },
        idempotency_key: key,
        callback: 'http://127.0.0.1:9/cb',
      },
    ]);
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([
      { path: '2.idempotency_key', message: 'the same idempotency_key as item 0' },
    ]);
    await expect(
      h.api.producer.enqueueBulk([
        { task, jobId: key },
        { task, jobId: key },
      ]),
    ).rejects.toMatchObject({ issues: [{ path: '1.jobId', message: 'the same jobId as item 0' }] });
    expect(await waiting()).toEqual(before);
  });

  it('the library refuses unknown options from JavaScript, in enqueue, bulk and bulk items', async () => {
    const before = await waiting();
    const typo = { dealy: 5 } as unknown as EnqueueOptions;
    await expect(h.api.producer.enqueue(task, typo)).rejects.toMatchObject({
      issues: [{ path: 'dealy', message: 'unknown option (did you mean delay?)' }],
    });
    await expect(h.api.producer.enqueue(task, typo)).rejects.toBeInstanceOf(InvalidOptionsError);
    await expect(h.api.producer.enqueueBulk([task], typo)).rejects.toBeInstanceOf(
      InvalidOptionsError,
    );
    await expect(
      h.api.producer.enqueueBulk([{ task, priorty: 2 } as unknown as typeof task]),
    ).rejects.toMatchObject({
      issues: [{ path: '0.priorty', message: 'unknown option (did you mean priority?)' }],
    });
    expect(await waiting()).toEqual(before);
  });
});
