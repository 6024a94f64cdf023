import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';
import { jsonCall } from '../../helpers/json-call.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';

/**
 * An enqueue whose id names an execution that exists already stores
 * nothing: its answer is that execution as it is now (completed, failed,
 * delayed), not the state a new job of these options would start in.
 */
describe('a known id answers the execution’s real state', () => {
  let h: ApiHarness;
  let target: ScriptedTarget;
  const key = (name: string) => `${name}-${h.config.queueName}`;

  beforeAll(async () => {
    target = await startScriptedTarget({ routes: { '/missing': 404 } });
    h = await startApiHarness();
    const { producer } = h.api;
    // One finished each way, and one held back for an hour.
    for (const [name, path] of [
      ['done', '/ok'],
      ['broken', '/missing'],
    ] as const) {
      await producer.enqueue({ url: `${target.url}${path}` }, { jobId: key(name) });
      const ended = await producer.waitForResult(key(name), { timeoutMs: 20_000 });
      expect(ended?.state).toBe(name === 'done' ? 'completed' : 'failed');
    }
    await producer.enqueue(
      { url: `${target.url}/later` },
      { jobId: key('later'), delay: 3_600_000 },
    );
  });
  afterAll(async () => {
    await h?.close();
    await target?.close();
  });

  const expected = [
    ['done', 'completed'],
    ['broken', 'failed'],
    ['later', 'delayed'],
  ] as const;

  it('enqueue (the library) with an existing jobId', async () => {
    const { producer } = h.api;
    for (const [name, state] of expected) {
      const again = await producer.enqueue({ url: `${target.url}/ok` }, { jobId: key(name) });
      expect(again, name).toEqual({
        executionId: key(name),
        queue: h.config.queueName,
        state,
        duplicate: true,
      });
    }
  });

  it('POST /api/tasks with a known Idempotency-Key: 200 with the execution as it is', async () => {
    for (const [name, state] of expected) {
      const response = await fetch(`${h.url}/api/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key(name) },
        body: JSON.stringify({ url: `${target.url}/ok` }),
      });
      expect(response.status, name).toBe(200);
      expect(await response.json(), name).toMatchObject({ execution_id: key(name), state });
    }
  });

  it('bulk items with known ids (the library and POST /api/tasks/bulk)', async () => {
    const { producer } = h.api;
    const items = expected.map(([name]) => ({
      task: { url: `${target.url}/ok` },
      jobId: key(name),
    }));
    const bulk = await producer.enqueueBulk(items);
    expect(bulk.map((item) => item.state)).toEqual(expected.map(([, state]) => state));
    const answer = await jsonCall(
      h.url,
      'POST',
      '/api/tasks/bulk',
      expected.map(([name]) => ({ task: { url: `${target.url}/ok` }, idempotency_key: key(name) })),
    );
    expect(answer.status).toBe(202);
    expect((answer.body as { state: string }[]).map((item) => item.state)).toEqual(
      expected.map(([, state]) => state),
    );
    // Nothing new ran: the target saw only the two first runs.
    expect(target.arrivals).toHaveLength(2);
  });

  it('two requests racing with one key: one is enqueued (202), the other answers it (200)', async () => {
    const rounds = 100;
    const lies: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const id = key(`race-${round}`);
      const post = () =>
        fetch(`${h.url}/api/tasks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': id },
          body: JSON.stringify({ url: `${target.url}/later` }),
        });
      const statuses = (await Promise.all([post(), post()])).map((r) => r.status).sort();
      if (statuses.join() !== '200,202') lies.push(`${id}: ${statuses.join()}`);
    }
    expect(lies).toEqual([]);
  });
});
