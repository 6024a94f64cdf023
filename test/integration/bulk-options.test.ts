import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../api/create-api-server.js';
import { createLogger } from '../../shared/logger.js';
import { eventually } from '../helpers/eventually.js';
import { useFaultScene } from '../helpers/fault-scene.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';

/*
 * The bulk route's items: `{"task", "delay"?, "run_at"?, "priority"?,
 * "idempotency_key"?}` beside bare tasks, the query as every item's
 * default. Real Redis, a real worker process, a real loopback target.
 */

describe('bulk items with options of their own', () => {
  const s = useFaultScene();
  let api: ApiServer;
  let url: string;
  let target: HttpTestServer;
  let arrivals: { path: string; at: number }[];

  beforeEach(async () => {
    const seen: { path: string; at: number }[] = [];
    arrivals = seen;
    target = await startHttpTestServer((req, res) => {
      seen.push({ path: req.url ?? '/', at: Date.now() });
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    api = await createApiServer(s.config, createLogger(s.config));
    url = await api.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(async () => {
    await api.close();
    await target.close();
  });

  const bulk = async (body: unknown, query = '') => {
    const response = await fetch(`${url}/api/tasks/bulk${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  const task = (path: string) => ({ url: `${target.url}${path}` });
  const counts = () =>
    s.queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active', 'completed');

  it('per-item delay and priority, the query as the default; states as BullMQ says', async () => {
    const sentAt = Date.now();
    const r = await bulk(
      [
        { task: task('/late'), delay: 2 },
        { task: task('/p2'), priority: 2 },
        task('/p5'),
        { task: task('/p1'), priority: 1 },
      ],
      '?priority=5',
    );
    expect(r.status).toBe(202);
    expect((r.body as { state: string }[]).map((e) => e.state)).toEqual([
      'delayed',
      'prioritized',
      'prioritized',
      'prioritized',
    ]);
    await s.worker({ WORKER_CONCURRENCY: '1' });
    await eventually(() => arrivals.length === 4, 'every execution ran');
    expect(arrivals.map((a) => a.path)).toEqual(['/p1', '/p2', '/p5', '/late']);
    expect(arrivals[3]!.at).toBeGreaterThanOrEqual(sentAt + 2000);
  });

  it('idempotency_key per item: a repeated bulk returns the same ids and stores nothing new', async () => {
    const body = [
      { task: task('/a'), idempotency_key: 'order-17-a', delay: 60 },
      { task: task('/b'), idempotency_key: 'order-17-b', delay: 60 },
    ];
    const first = await bulk(body);
    expect(first.status).toBe(202);
    const ids = (first.body as { execution_id: string }[]).map((e) => e.execution_id);
    expect(ids).toEqual(['order-17-a', 'order-17-b']);
    const before = await counts();
    const jobBefore = await s.queue.getJob('order-17-a');

    const second = await bulk(body);
    expect(second.status).toBe(202);
    expect(second.body).toEqual(first.body);
    expect(await counts()).toEqual(before);
    expect(before.delayed).toBe(2);
    // The stored job is the first one, untouched.
    expect((await s.queue.getJob('order-17-a'))?.timestamp).toBe(jobBefore?.timestamp);
  });

  it('all or nothing: bad options of any item, 400 naming its index and field, nothing stored', async () => {
    const r = await bulk([
      { task: task('/ok'), priority: 3 },
      { task: task('/bad'), priority: 0 },
      { task: task('/bad'), delay: 'soon', idempotency_key: '123' },
      { task: task('/bad'), colour: 'blue' },
    ]);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      error: 'invalid options',
      issues: [
        { path: '1.priority', message: expect.any(String) },
        { path: '2.delay', message: expect.any(String) },
        { path: '2.idempotency_key', message: expect.any(String) },
        { path: '3.colour', message: 'unknown option' },
      ],
    });
    const badTask = await bulk([{ task: task('/ok') }, { task: { url: 'not a url' } }]);
    expect(badTask.status).toBe(400);
    expect((badTask.body as { issues: { path: string }[] }).issues[0]?.path).toBe('1.task.url');
    expect(await counts()).toEqual({
      waiting: 0,
      delayed: 0,
      prioritized: 0,
      active: 0,
      completed: 0,
    });
  });
});
