import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../../shared/history/execution-record.js';
import {
  APPEND_RECORD_LUA,
  decodeRecord,
  historyDroppedKey,
  historyStreamKey,
  RECORD_FIELD,
} from '../../../shared/history/history-stream.js';
import { createRedis, type RedisClient } from '../../../shared/redis-connection.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';

/*
 * The worker's side of the history: each ended execution's record lands in
 * its queue's Redis stream, redacted, with its run, times and request.
 */
describe('history records appended by the worker', () => {
  let h: Harness;
  let target: ScriptedTarget;
  let redis: RedisClient;

  beforeEach(async () => {
    target = await startScriptedTarget({
      routes: { '/fail': 500, '/echo': (a) => ({ body: { auth: a.headers.authorization } }) },
    });
    h = startHarness({}, { recordHistory: true });
    redis = createRedis(h.config, 'producer');
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  });
  afterEach(async () => {
    await h.close();
    await target.close();
    redis.disconnect();
  });

  const ref = () => ({ prefix: h.config.prefix, queueName: h.config.queueName });
  async function records(): Promise<ExecutionRecord[]> {
    const entries = await redis.xrange(historyStreamKey(ref()), '-', '+');
    return entries.map(([, fields]) => {
      expect(fields[0]).toBe(RECORD_FIELD);
      return decodeRecord(fields[1]!)!;
    });
  }

  it('a completed and a failed execution each leave one record, with request, times and state', async () => {
    const ok = await h.run({ url: `${target.url}/ok?page=2`, method: 'post', json: {} });
    const failed = await h.run({ url: `${target.url}/fail`, retry_status_code: [] });
    const [first, second] = await records();
    expect(first).toMatchObject({
      queue: h.config.queueName,
      execution_id: ok.execution_id,
      run: 1,
      state: 'completed',
      method: 'POST',
      url: `${target.url}/ok?page=2`,
      origin: `http://127.0.0.1:${new URL(target.url).port}`,
      status_code: 200,
      attempts: 1,
    });
    expect(second).toMatchObject({
      execution_id: failed.execution_id,
      state: 'failed',
      status_code: 500,
      message: failed.output!.message,
    });
    for (const record of [first!, second!]) {
      const times = [record.enqueued_at, record.started_at!, record.finished_at].map(Date.parse);
      expect(times[0]).toBeLessThanOrEqual(times[1]!);
      expect(times[1]).toBeLessThanOrEqual(times[2]!);
      expect(record.duration_ms).toBe(times[2]! - times[1]!);
      expect(record.output?.status_code).toBe(record.status_code);
    }
    expect(await redis.get(historyDroppedKey(ref()))).toBeNull();
  });

  it('keeps no credential of the task: not the header, not the query token, not the URL password, not an echo', async () => {
    const port = new URL(target.url).port;
    await h.run({
      url: `http://user:pa55word-1@127.0.0.1:${port}/echo?access_token=tok-SECRET-9&page=1`,
    });
    await h.run({
      url: `${target.url}/echo?page=1`,
      headers: { Authorization: 'Bearer abc-SECRET-123' },
    });
    const [record, echoed] = await records();
    const text = JSON.stringify([record, echoed]);
    for (const secret of ['pa55word-1', 'tok-SECRET-9', 'abc-SECRET-123']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('page=1');
    expect(record!.output!.text).toContain('[REDACTED]');
    expect(echoed!.output!.text).toContain('[REDACTED]');
  });

  it('records the flow key it was enqueued under, and a replay as run 2', async () => {
    const { executionId } = await h.producer.enqueue(
      { url: `${target.url}/fail`, retry_status_code: [] },
      { flowKey: 'tenant-7' },
    );
    await h.producer.waitForResult(executionId, { timeoutMs: 20_000 });
    await h.producer.retry(executionId);
    await expect.poll(async () => (await records()).length, { timeout: 20_000 }).toBe(2);
    const runs = await records();
    expect(runs.map((r) => [r.run, r.state, r.flow_key])).toEqual([
      [1, 'failed', 'tenant-7'],
      [2, 'failed', 'tenant-7'],
    ]);
  });

  it('a full stream trims its oldest records and counts them as dropped', async () => {
    const stream = historyStreamKey(ref());
    const dropped = historyDroppedKey(ref());
    let trimmed = 0;
    for (let i = 0; i < 350; i++) {
      trimmed += Number(await redis.eval(APPEND_RECORD_LUA, 2, stream, dropped, 100, `{"n":${i}}`));
    }
    const left = await redis.xlen(stream);
    // `MAXLEN ~` trims whole nodes of the stream: about the cap is left, never less.
    expect(left).toBeGreaterThanOrEqual(100);
    expect(left).toBeLessThan(350);
    expect(trimmed).toBe(350 - left);
    expect(Number(await redis.get(dropped))).toBe(350 - left);
    const newest = (await redis.xrevrange(stream, '+', '-', 'COUNT', 1))[0]?.[1];
    expect(newest).toEqual([RECORD_FIELD, '{"n":349}']);
  });

  it('a worker without history appends nothing', async () => {
    const plain = startHarness();
    try {
      await plain.run({ url: `${target.url}/ok` });
      const key = historyStreamKey({
        prefix: plain.config.prefix,
        queueName: plain.config.queueName,
      });
      expect(await redis.exists(key)).toBe(0);
    } finally {
      await plain.close();
    }
  });
});
