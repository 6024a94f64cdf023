import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger.js';
import { TaskProducer } from '../../producer/task-producer.js';
import { TestQueue } from '../helpers/test-queue.js';
import { producerOptionsOf } from '../../producer/task-producer-options.js';
import { startTaskWorker } from '../../worker/runtime/task-worker.js';
import { eventually } from '../helpers/eventually.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { deleteTestKeys, testConfig } from '../helpers/test-config.js';
import { freePort } from '../helpers/free-port.js';
import {
  startScriptedTarget,
  type Answer,
  type ReplyFunction,
  type ScriptedTarget,
} from '../helpers/scripted-target.js';

/*
 * Retries end to end: producer → Redis → a real worker → axios-retry over the
 * undici adapter → misbehaving servers on loopback. Waits are measured where
 * the server sees the attempts arrive.
 */

let h: Harness;
const servers: ScriptedTarget[] = [];

beforeAll(() => {
  h = startHarness();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await h.close();
});

/** A server answering by `reply` (`arrival.index` numbers the requests), closed after the test. */
async function scripted(reply: ReplyFunction): Promise<ScriptedTarget> {
  const server = await startScriptedTarget({ reply });
  servers.push(server);
  return server;
}

/** Gaps between consecutive arrivals, in ms. */
function gapsOf(server: ScriptedTarget): number[] {
  const { arrivals } = server;
  return arrivals.slice(1).map((a, i) => a.at - (arrivals[i]?.at ?? 0));
}

function status(code: number, headers: Record<string, string> = {}): Answer {
  return { status: code, headers, body: { status: code } };
}

/**
 * A measured wait: not shorter than planned (timers never fire early by more
 * than a few ms), and not so much longer that a longer planned wait would
 * pass too (a loaded 2-core machine may add a second).
 */
function expectWait(ms: number | undefined, plannedMs: number): void {
  expect(ms).toBeGreaterThanOrEqual(plannedMs - 50);
  expect(ms).toBeLessThanOrEqual(plannedMs + 1500);
}

function retryLines(log: readonly string[] | undefined): string[] {
  return (log ?? []).filter((l) => / retry \d+ in /.test(l)).map((l) => l.replace(/^\S+ /, ''));
}

describe('retry_status_code and retry_backoff', () => {
  it('503 twice then 200: success, waits of initial * multiplier^(n-1), a log line per retry', async () => {
    const server = await scripted(({ index }) => status(index < 2 ? 503 : 200));
    const execution = await h.run({
      url: `${server.url}/flaky`,
      retry_backoff: { initial: 1, multiplier: 2, maximum: 10, deadline: 30 },
    });
    expect(execution.state).toBe('completed');
    expect(execution.output).toMatchObject({ status: 'success', status_code: 200 });
    expect(server.arrivals).toHaveLength(3);
    const [first, second] = gapsOf(server);
    expectWait(first, 1000);
    expectWait(second, 2000);
    expect(retryLines(execution.output?.log)).toEqual([
      'retry 1 in 1.0 s after HTTP 503 Service Unavailable',
      'retry 2 in 2.0 s after HTTP 503 Service Unavailable',
    ]);
    // The same lines are in the job's BullMQ log.
    const { logs } = await h.queue.getJobLogs(String(execution.execution_id));
    expect(retryLines(logs)).toHaveLength(2);
  });

  it('a POST is retried on a retry_status_code too, its body sent again unchanged', async () => {
    const server = await scripted(({ index }) => status(index === 0 ? 502 : 201));
    const execution = await h.run({
      url: `${server.url}/orders`,
      method: 'post',
      json: { order: 42, note: 'grüße' },
      retry_backoff: { initial: 1, deadline: 30 },
    });
    expect(execution.output).toMatchObject({ status: 'success', status_code: 201 });
    expect(server.arrivals.map((a) => [a.method, a.body])).toEqual([
      ['POST', '{"order":42,"note":"grüße"}'],
      ['POST', '{"order":42,"note":"grüße"}'],
    ]);
    expect(retryLines(execution.output?.log)).toEqual([
      'retry 1 in 1.0 s after HTTP 502 Bad Gateway',
    ]);
  });

  it('the 1 s minimum holds for initial 0, and statuses not in retry_status_code are not retried', async () => {
    const server = await scripted(({ index }) => status(index === 0 ? 429 : 500));
    const execution = await h.run({
      url: `${server.url}/`,
      retry_status_code: [429],
      retry_backoff: { initial: 0, maximum: 0, deadline: 30 },
    });
    expect(server.arrivals).toHaveLength(2);
    expectWait(gapsOf(server)[0], 1000);
    expect(execution.output).toMatchObject({
      status: 'error',
      status_code: 500,
      message: 'HTTP 500 Internal Server Error (expected 200, 201, 202, 204)',
    });
  });

  it('503 forever: error at the deadline, the message says the deadline stopped retrying', async () => {
    const server = await scripted(() => status(503));
    // Attempts at 0, 1 and 3 s; the next would start at 7 s, past the 3.9 s deadline.
    const started = performance.now();
    const execution = await h.run({
      url: `${server.url}/down`,
      retry_backoff: { initial: 1, multiplier: 2, maximum: 60, deadline: 3.9 },
    });
    const elapsed = performance.now() - started;
    expect(execution.state).toBe('failed');
    expect(execution.output).toMatchObject({
      status: 'error',
      status_code: 503,
      // Stopped 3 s in, before the 4 s wait: the deadline itself was not reached.
      message: expect.stringMatching(
        /^gave up retrying after 3 attempts in 3\.\d s: retry 3 would start 7\.\d s after the first attempt, past retry_backoff\.deadline \(3\.9 s\); last HTTP 503 Service Unavailable$/,
      ),
    });
    expect(server.arrivals).toHaveLength(3);
    const last = server.arrivals.at(-1)?.at ?? 0;
    expect(last - (server.arrivals[0]?.at ?? 0)).toBeLessThanOrEqual(3900);
    // It did not wait for a retry it would not send.
    expect(elapsed).toBeLessThan(3000 + 4000);
    expect(execution.output?.log.at(-1)).toMatch(/ failed: gave up retrying after 3 attempts in /);
  });

  it('Retry-After is honoured when longer than the backoff, beyond maximum, up to the deadline', async () => {
    const server = await scripted(({ index }) => {
      if (index === 0) return status(503, { 'retry-after': '2' });
      if (index === 1) return status(503, { 'retry-after': '4' });
      return status(200);
    });
    const execution = await h.run({
      url: `${server.url}/busy`,
      retry_backoff: { initial: 1, multiplier: 1, maximum: 3, deadline: 60 },
    });
    expect(execution.output).toMatchObject({ status: 'success', status_code: 200 });
    const [first, second] = gapsOf(server);
    expectWait(first, 2000);
    // Longer than maximum (3 s): retrying earlier than asked only wastes an attempt.
    expectWait(second, 4000);
    expect(retryLines(execution.output?.log)).toEqual([
      'retry 1 in 2.0 s after HTTP 503 Service Unavailable (Retry-After 2 s)',
      'retry 2 in 4.0 s after HTTP 503 Service Unavailable (Retry-After 4 s)',
    ]);
  });

  it('a Retry-After that ends past the deadline: no retry, the deadline error at once', async () => {
    const server = await scripted(() => status(503, { 'retry-after': '3600' }));
    const started = performance.now();
    const execution = await h.run({
      url: `${server.url}/busy`,
      retry_backoff: { initial: 1, multiplier: 1, maximum: 3, deadline: 60 },
    });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(server.arrivals).toHaveLength(1);
    expect(execution.output).toMatchObject({
      status: 'error',
      status_code: 503,
      message: expect.stringMatching(
        /^gave up retrying after 1 attempt in \d+\.\d s: retry 1 would start 360\d\.\d s after the first attempt, past retry_backoff\.deadline \(60 s\); last HTTP 503 Service Unavailable \(Retry-After 3600 s\)$/,
      ),
    });
  });
});

describe('network errors', () => {
  it('a refused connection is retried, even for a POST: the server that comes up gets it', async () => {
    const port = await freePort();
    const received: string[] = [];
    const late = http.createServer((req, res) => {
      req.on('data', (c: Buffer) => received.push(c.toString()));
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 201 }));
      });
    });
    // Comes up on the refused port after the first attempt, before the retry.
    const listening = setTimeout(() => late.listen(port, '127.0.0.1'), 300);
    try {
      const execution = await h.run({
        url: `http://127.0.0.1:${port}/create`,
        method: 'post',
        text: 'once',
        retry_backoff: { initial: 1, deadline: 30 },
      });
      expect(execution.output).toMatchObject({ status: 'success', status_code: 201 });
      expect(received).toEqual(['once']);
      expect(retryLines(execution.output?.log)).toEqual([
        `retry 1 in 1.0 s after connection refused by 127.0.0.1:${port}`,
      ]);
    } finally {
      clearTimeout(listening);
      late.closeAllConnections();
      await new Promise((resolve) => late.close(resolve));
    }
  });

  it('refused forever: retried until the deadline, then an error saying why', async () => {
    const port = await freePort();
    const execution = await h.run({
      url: `http://127.0.0.1:${port}/`,
      method: 'post',
      retry_backoff: { initial: 1, multiplier: 2, deadline: 2.5 },
    });
    expect(execution.output).toMatchObject({
      status: 'error',
      status_code: null,
      message: expect.stringMatching(
        new RegExp(
          `^gave up retrying after 2 attempts in 1\\.\\d s: retry 2 would start 3\\.\\d s after the first attempt, past retry_backoff\\.deadline \\(2\\.5 s\\); last error: connection refused by 127\\.0\\.0\\.1:${port}$`,
        ),
      ),
    });
    expect(retryLines(execution.output?.log)).toEqual([
      `retry 1 in 1.0 s after connection refused by 127.0.0.1:${port}`,
    ]);
  });

  it('a reset mid-body is retried for a GET, not for a POST (it may have reached the server)', async () => {
    const server = await scripted(({ index, method }, res) => {
      if (method === 'GET' && index > 0) return status(200);
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100000' });
      res.write(Buffer.alloc(5000, 'a'));
      setTimeout(() => res.socket?.destroy(), 50);
      return undefined;
    });
    const get = await h.run({ url: `${server.url}/get`, retry_backoff: { deadline: 30 } });
    expect(get.output).toMatchObject({ status: 'success', status_code: 200 });
    expect(retryLines(get.output?.log)).toEqual([
      `retry 1 in 1.0 s after connection closed by 127.0.0.1:${server.port} before the response was complete`,
    ]);

    server.clear();
    const post = await h.run({
      url: `${server.url}/post`,
      method: 'post',
      json: { charge: 100 },
      retry_backoff: { deadline: 30 },
    });
    expect(server.arrivals).toHaveLength(1);
    expect(post.output).toMatchObject({
      status: 'error',
      message: `connection closed by 127.0.0.1:${server.port} before the response was complete`,
    });
    expect(retryLines(post.output?.log)).toEqual([]);
  });
});

describe('shutdown during a retry wait', () => {
  it('cuts the wait short, hands the job back to waiting, and the next worker finishes it', async () => {
    let healthy = false;
    const server = await scripted(() => status(healthy ? 200 : 503));
    // The 30 s wait is slept in the worker here (parked waits: parked-retries.test.ts).
    const config = testConfig({
      TASKREST_SHUTDOWN_GRACE_SECONDS: '0.5',
      TASKREST_INLINE_RETRY_SECONDS: '60',
    });
    const producer = new TaskProducer(producerOptionsOf(config));
    const queue = new TestQueue(config);
    const first = startTaskWorker(config, createLogger(config));
    let second: ReturnType<typeof startTaskWorker> | undefined;
    try {
      const { executionId } = await producer.enqueue({
        url: `${server.url}/later`,
        retry_backoff: { initial: 30, deadline: 600 },
      });
      const id = String(executionId);
      await eventually(async () => {
        const { logs } = await queue.getJobLogs(id);
        return logs.some((l) => l.includes('retry 1 in 30.0 s after HTTP 503'));
      }, 'the job logged its first retry wait');

      const closing = performance.now();
      await first.close();
      // Stopped within the grace period and some, not after the 30 s wait.
      expect(performance.now() - closing).toBeLessThan(10_000);
      expect(await queue.getJobState(id)).toBe('waiting');
      expect(server.arrivals).toHaveLength(1);

      healthy = true;
      second = startTaskWorker(config, createLogger(config));
      const execution = await producer.waitForResult(executionId, { timeoutMs: 20_000 });
      expect(execution).toMatchObject({
        state: 'completed',
        output: { status: 'success', status_code: 200 },
      });
      expect(server.arrivals).toHaveLength(2);
    } finally {
      await first.close();
      await second?.close();
      await producer.close();
      await queue.close();
      await deleteTestKeys(config);
    }
  });
});

describe('validation at enqueue', () => {
  it('rejects bad retry and timeout inputs naming each field, and stores nothing', async () => {
    const counts = () =>
      h.queue.getJobCountByTypes('waiting', 'active', 'completed', 'failed', 'delayed');
    const before = await counts();
    await expect(
      h.producer.enqueue({
        url: 'http://127.0.0.1:9/',
        connect_timeout: -1,
        // Deliberately wrong types, as a caller in another language might send them.
        read_timeout: '5' as unknown as number,
        retry_backoff: { multiplier: 0.5, deadline: -1 },
        retry_status_code: [503, 'x' as unknown as number],
      }),
    ).rejects.toThrow(
      expect.objectContaining({
        issues: expect.arrayContaining([
          { path: 'connect_timeout', message: 'expected a number of seconds >= 0, or null' },
          { path: 'read_timeout', message: 'expected a number of seconds >= 0, or null' },
          { path: 'retry_backoff.multiplier', message: 'expected a number >= 1' },
          { path: 'retry_backoff.deadline', message: 'expected a number >= 0' },
          { path: 'retry_status_code.1', message: 'expected an HTTP status code (100-599)' },
        ]) as unknown,
      }),
    );
    expect(await counts()).toEqual(before);
    expect(await h.queue.count()).toBe(0);
  });
});
