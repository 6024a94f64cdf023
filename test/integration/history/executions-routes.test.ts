import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../../api/create-api-server.js';
import type { HistoryStore } from '../../../history/history-store.js';
import { openHistory } from '../../../history/open-history.js';
import type { ExecutionPage, ExecutionStats } from '../../../shared/history/execution-history.js';
import type {
  ExecutionRecord,
  ExecutionSummary,
} from '../../../shared/history/execution-record.js';
import { createLogger } from '../../../shared/logger.js';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';
import { finishExecutions } from '../../helpers/finished-executions.js';
import {
  freshPostgresDatabase,
  type TestHistoryDatabase,
} from '../../helpers/history-databases.js';
import { makeRecord } from '../../helpers/history-records.js';
import { jsonCall } from '../../helpers/json-call.js';
import { deleteTestKeys, testConfig } from '../../helpers/test-config.js';

/** The executions of a page answered. */
const page = (body: unknown): ExecutionSummary[] => (body as ExecutionPage).executions;

/** `GET /api/executions…` without a history: what Redis still holds, `"source": "redis"`. */
describe('the executions routes on Redis', () => {
  let h: ApiHarness;
  let ids: string[];

  beforeAll(async () => {
    h = await startApiHarness();
    ids = await finishExecutions(h.url, { ok: 3, failing: 2 });
  });

  afterAll(async () => {
    await h.close();
  });

  const list = async (query = '') => jsonCall(h.url, 'GET', `/api/executions${query}`);

  it('lists the finished executions newest first, from Redis', async () => {
    const { status, body } = await list();
    expect(status).toBe(200);
    expect(body.source).toBe('redis');
    expect(body.next_cursor).toBeNull();
    expect(page(body).map((e) => String(e.execution_id))).toEqual([...ids].reverse());
    const newest = body.executions[0];
    expect(newest).toMatchObject({
      queue: h.config.queueName,
      run: 1,
      state: 'failed',
      method: 'GET',
      url: `${h.url}/no-such-page-1`,
      status_code: 404,
      attempts: 1,
    });
    expect(newest.output).toBeUndefined();
    const finished = page(body).map((e) => Date.parse(e.finished_at));
    expect(finished).toEqual([...finished].sort((a, b) => b - a));
  });

  it('filters', async () => {
    expect((await list('?state=failed')).body.executions).toHaveLength(2);
    expect((await list('?state=completed&status_code=200')).body.executions).toHaveLength(3);
    expect((await list('?q=NO-SUCH-PAGE-0')).body.executions).toHaveLength(1);
    expect((await list('?method=post')).body.executions).toHaveLength(0);
    expect((await list(`?queue=${h.config.queueName}&since=1h`)).body.executions).toHaveLength(5);
    expect((await list('?until=1h')).body.executions).toHaveLength(0);
    expect((await list('?queue=other-queue')).body.executions).toHaveLength(0);
  });

  it('pages by cursor, each execution once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const { status, body } = await list(query);
      expect(status).toBe(200);
      expect(body.executions.length).toBeLessThanOrEqual(2);
      seen.push(...page(body).map((e) => String(e.execution_id)));
      cursor = body.next_cursor as string | null;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual([...ids].reverse());
    expect(pages).toBe(3);
  });

  it('answers 400 naming a bad or unknown parameter', async () => {
    const bad = await list('?state=bogus');
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([expect.objectContaining({ path: 'state' })]);
    const unknown = await list('?stat=failed');
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues[0].path).toBe('stat');
    expect(unknown.body.issues[0].message).toMatch(/state/);
    expect((await list('?limit=0')).body.issues[0].path).toBe('limit');
    expect((await list('?cursor=garbage')).body.issues[0].path).toBe('cursor');
    expect((await jsonCall(h.url, 'GET', '/api/executions/stats?bucket=5')).status).toBe(400);
  });

  it('answers the stats', async () => {
    const { status, body } = await jsonCall(h.url, 'GET', '/api/executions/stats?since=1h');
    expect(status).toBe(200);
    const sum = (key: 'completed' | 'failed') =>
      (body as ExecutionStats).buckets.reduce((n, b) => n + b[key], 0);
    expect(sum('completed')).toBe(3);
    expect(sum('failed')).toBe(2);
    expect(body.buckets[0]).toEqual({
      at: expect.any(String),
      completed: expect.any(Number),
      failed: expect.any(Number),
      p50_ms: expect.any(Number),
      p95_ms: expect.any(Number),
      p99_ms: expect.any(Number),
    });
    expect(body.origins).toEqual([
      { origin: new URL(h.url).origin, completed: 3, failed: 2, p95_ms: expect.any(Number) },
    ]);
  });

  it('answers the runs of one execution with its output, 404 for none', async () => {
    const { status, body } = await jsonCall(h.url, 'GET', `/api/executions/${ids[0]}/runs`);
    expect(status).toBe(200);
    expect(body.runs).toHaveLength(1);
    expect(body.runs[0]).toMatchObject({
      run: 1,
      state: 'completed',
      output: { status: 'success' },
    });
    const named = await jsonCall(
      h.url,
      'GET',
      `/api/executions/${ids[0]}/runs?queue=${h.config.queueName}`,
    );
    expect(named.body.runs).toHaveLength(1);
    expect((await jsonCall(h.url, 'GET', '/api/executions/999999/runs')).status).toBe(404);
  });

  it('shows the history backlog and the dropped count in /metrics', async () => {
    const text = await (await fetch(`${h.url}/metrics`)).text();
    expect(text).toContain(`taskrest_history_backlog{queue="${h.config.queueName}"}`);
    expect(text).toContain(`taskrest_history_dropped_total{queue="${h.config.queueName}"} 0`);
  });
});

/** With a history store, the routes read it: `"source": "history"`. */
describe('the executions routes on a history store', () => {
  const config = testConfig();
  let database: TestHistoryDatabase;
  let store: HistoryStore;
  let api: ApiServer;
  let url: string;

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    store = await openHistory(database.location);
    const now = Date.now();
    await store.write([
      makeRecord(now - 2000, { queue: config.queueName, execution_id: 1 }),
      makeRecord(now - 1000, { queue: config.queueName, execution_id: 2, state: 'failed' }),
      makeRecord(now - 500, { queue: config.queueName, execution_id: 2, run: 2 }),
    ]);
    api = await createApiServer(config, createLogger(config), { history: store });
    url = await api.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await api.close();
    await store.close();
    await database.destroy();
    await deleteTestKeys(config);
  });

  it('lists from the history', async () => {
    const { status, body } = await jsonCall(url, 'GET', '/api/executions');
    expect(status).toBe(200);
    expect(body.source).toBe('history');
    expect(page(body).map((e) => e.run)).toEqual([2, 1, 1]);
    expect(
      (await jsonCall(url, 'GET', '/api/executions?state=failed')).body.executions,
    ).toHaveLength(1);
  });

  it('answers every run of an execution', async () => {
    const { status, body } = await jsonCall(url, 'GET', '/api/executions/2/runs');
    expect(status).toBe(200);
    expect((body as { runs: ExecutionRecord[] }).runs.map((r) => r.run)).toEqual([1, 2]);
  });
});
