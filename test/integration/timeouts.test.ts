import type http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger.js';
import type { TaskOutput } from '../../shared/output.js';
import { TaskProducer } from '../../producer/task-producer.js';
import { TestQueue } from '../helpers/test-queue.js';
import { producerOptionsOf } from '../../producer/task-producer-options.js';
import { startTaskWorker } from '../../worker/runtime/task-worker.js';
import { eventually } from '../helpers/eventually.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';
import { deleteTestKeys, testConfig } from '../helpers/test-config.js';
import { startUnacceptingServer } from '../helpers/unaccepting-server.js';

/*
 * connect_timeout, read_timeout and total_timeout end to end: producer →
 * Redis → a real worker → the undici adapter → servers on loopback that
 * never answer, drip, or never complete the connect. Durations are taken
 * from the execution's own log timestamps (first request line to the
 * failure), so queueing time does not count.
 */

let h: Harness;
const servers: HttpTestServer[] = [];

beforeAll(() => {
  h = startHarness();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await h.close();
});

async function serve(handler: http.RequestListener): Promise<HttpTestServer> {
  const server = await startHttpTestServer(handler);
  servers.push(server);
  return server;
}

/** Accepts, reads the request, never answers. `requests()` counts what arrived. */
async function silentServer(): Promise<HttpTestServer & { requests(): number }> {
  let requests = 0;
  const server = await serve((req) => {
    requests += 1;
    req.resume();
  });
  return Object.assign(server, { requests: () => requests });
}

/** Sends headers at once, then the body one byte a second. */
async function drippingServer(bytes: number): Promise<HttpTestServer> {
  return serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': bytes });
    res.flushHeaders();
    let sent = 0;
    const timer = setInterval(() => {
      res.write('x');
      sent += 1;
      if (sent === bytes) {
        clearInterval(timer);
        res.end();
      }
    }, 1000);
    res.on('close', () => clearInterval(timer));
  });
}

/** Milliseconds from the first request line of the log to its last line. */
function attemptTime(output: TaskOutput | undefined): number {
  const log = output?.log ?? [];
  const at = (line: string | undefined) => Date.parse(line?.split(' ')[0] ?? '');
  const first = log.find((l) => / (GET|POST) http/.test(l));
  return at(log.at(-1)) - at(first);
}

/** Fired between 0.8x the limit and 3x plus a second: generous on a loaded machine, yet an ignored limit fails. */
function expectNear(ms: number, limitMs: number): void {
  expect(ms).toBeGreaterThanOrEqual(limitMs * 0.8);
  expect(ms).toBeLessThanOrEqual(limitMs * 3 + 1000);
}

describe('read_timeout and total_timeout', () => {
  it('accept but never answer: read or total timeout fires, the message says which', async () => {
    const server = await silentServer();
    const target = `127.0.0.1:${server.port}`;
    // POST: a timeout after the request was sent is not retried for it.
    const [read, total] = await Promise.all([
      h.run({ url: `${server.url}/r`, method: 'post', read_timeout: 1 }),
      h.run({ url: `${server.url}/t`, method: 'post', read_timeout: null, total_timeout: 1.5 }),
    ]);
    expect(read.state).toBe('failed');
    expect(read.output).toMatchObject({
      status: 'error',
      status_code: null,
      message: `read timeout: no response from ${target} within 1 s`,
    });
    expectNear(attemptTime(read.output), 1000);
    expect(total.output).toMatchObject({
      status: 'error',
      message: `total timeout: no complete response from ${target} within 1.5 s`,
    });
    expectNear(attemptTime(total.output), 1500);
    expect(server.requests()).toBe(2);
  });

  it('a timeout after the request was sent is retried for a GET, until the deadline', async () => {
    const server = await silentServer();
    const execution = await h.run({
      url: `${server.url}/`,
      read_timeout: 1,
      // Attempts at 0 and about 2 s (each cut after 1 s, undici's clock may add
      // half a second); the next would start 3 s after the second timed out.
      retry_backoff: { initial: 1, multiplier: 3, deadline: 3.5 },
    });
    const target = `127.0.0.1:${server.port}`;
    expect(execution.output?.message).toMatch(
      new RegExp(
        `^gave up retrying after 2 attempts in \\d+\\.\\d s: retry 2 would start \\d+\\.\\d s after the first attempt, past retry_backoff\\.deadline \\(3\\.5 s\\); last error: read timeout: no response from ${target} within 1 s$`,
      ),
    );
    expect(
      execution.output?.log.some((l) =>
        l.endsWith(`retry 1 in 1.0 s after read timeout: no response from ${target} within 1 s`),
      ),
    ).toBe(true);
    expect(server.requests()).toBe(2);
    expectNear(attemptTime(execution.output), 3000);
  });

  it('one byte a second: a read timeout longer than the gaps lets it finish, total cuts it, 0 and null disable', async () => {
    const server = await drippingServer(3);
    const target = `127.0.0.1:${server.port}`;
    const url = `${server.url}/drip`;
    const [patient, unlimited, cut] = await Promise.all([
      h.run({ url, method: 'post', read_timeout: 2, total_timeout: null }),
      h.run({ url, method: 'post', read_timeout: 0, total_timeout: 0 }),
      h.run({ url, method: 'post', read_timeout: 2, total_timeout: 1.5 }),
    ]);
    expect(patient.output).toMatchObject({ status: 'success', text: 'xxx' });
    expect(unlimited.output).toMatchObject({ status: 'success', text: 'xxx' });
    // Longer than the read timeout in all: the limit is on silence, not on the whole.
    expect(attemptTime(patient.output)).toBeGreaterThan(2000);
    expect(cut.output).toMatchObject({
      status: 'error',
      message: `total timeout: no complete response from ${target} within 1.5 s`,
    });
    expectNear(attemptTime(cut.output), 1500);
  });

  it('a body that stops mid-way: read timeout, the message says the body stalled', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 100 });
      res.write('partial');
    });
    const execution = await h.run({ url: `${server.url}/`, method: 'post', read_timeout: 1 });
    expect(execution.output).toMatchObject({
      status: 'error',
      message: `read timeout: response body from 127.0.0.1:${server.port} stalled for more than 1 s`,
    });
    expectNear(attemptTime(execution.output), 1000);
  });
});

describe('connect_timeout', () => {
  it('a connect that never completes: connect timeout, retried for any method until the deadline', async () => {
    const blackhole = await startUnacceptingServer();
    try {
      const target = `127.0.0.1:${blackhole.port}`;
      const execution = await h.run({
        url: `http://${target}/`,
        method: 'post',
        json: { once: true },
        connect_timeout: 1.5,
        // Attempts at 0 and about 2.5 s (each cut after 1.5 s, undici's clock may
        // add half a second); the next would start 3 s after the second timed out.
        retry_backoff: { initial: 1, multiplier: 3, deadline: 4 },
      });
      expect(execution.output).toMatchObject({
        status: 'error',
        status_code: null,
        message: expect.stringMatching(
          new RegExp(
            `^gave up retrying after 2 attempts in \\d+\\.\\d s: retry 2 would start \\d+\\.\\d s after the first attempt, past retry_backoff\\.deadline \\(4 s\\); last error: connect timeout: no connection to ${target} within 1\\.5 s$`,
          ),
        ),
      });
      const retries = execution.output?.log.filter((l) => / retry \d+ in /.test(l)) ?? [];
      expect(retries).toHaveLength(1);
      expect(retries[0]).toMatch(
        ` retry 1 in 1.0 s after connect timeout: no connection to ${target} within 1.5 s`,
      );
      expectNear(attemptTime(execution.output), 4000);
    } finally {
      await blackhole.close();
    }
  });
});

describe('the worker slot', () => {
  it('is freed by a timeout: with concurrency 1 the next job still runs', async () => {
    const silent = await silentServer();
    const ok = await serve((_req, res) => res.end('ok'));
    const one = startHarness({ WORKER_CONCURRENCY: '1' });
    try {
      // FIFO with one slot: the hung request is taken first, the next job waits for its slot.
      const hungId = (
        await one.producer.enqueue({ url: `${silent.url}/`, method: 'post', total_timeout: 1 })
      ).executionId;
      const nextId = (await one.producer.enqueue({ url: `${ok.url}/` })).executionId;
      const next = await one.producer.waitForResult(nextId, { timeoutMs: 20_000 });
      const hung = await one.producer.getExecution(hungId);
      expect(hung?.output?.message).toMatch(/^total timeout: /);
      expect(next?.output).toMatchObject({ status: 'success', text: 'ok' });
      const [hungJob, nextJob] = await Promise.all([
        one.queue.getJob(String(hungId)),
        one.queue.getJob(String(nextId)),
      ]);
      expect(nextJob?.processedOn).toBeGreaterThanOrEqual(hungJob?.finishedOn ?? Infinity);
    } finally {
      await one.close();
    }
  });
});

describe('shutdown during a slow request', () => {
  it('aborts it after the grace period, hands the job back, and the next worker finishes it', async () => {
    let answer = false;
    let requests = 0;
    const server = await serve((req, res) => {
      requests += 1;
      req.resume();
      if (answer) res.end('finally');
    });
    const config = testConfig({ TASKREST_SHUTDOWN_GRACE_SECONDS: '0.5' });
    const producer = new TaskProducer(producerOptionsOf(config));
    const queue = new TestQueue(config);
    const first = startTaskWorker(config, createLogger(config));
    let second: ReturnType<typeof startTaskWorker> | undefined;
    try {
      // No timeouts at all: only the shutdown can end this request.
      const { executionId } = await producer.enqueue({ url: `${server.url}/slow` });
      const id = String(executionId);
      await eventually(
        async () => requests === 1 && (await queue.getJobState(id)) === 'active',
        'the request sent and the job active',
      );

      const closing = performance.now();
      await first.close();
      expect(performance.now() - closing).toBeLessThan(10_000);
      expect(await queue.getJobState(id)).toBe('waiting');

      answer = true;
      second = startTaskWorker(config, createLogger(config));
      const execution = await producer.waitForResult(executionId, { timeoutMs: 20_000 });
      expect(execution).toMatchObject({
        state: 'completed',
        output: { status: 'success', text: 'finally' },
      });
      expect(requests).toBe(2);
    } finally {
      await first.close();
      await second?.close();
      await producer.close();
      await queue.close();
      await deleteTestKeys(config);
    }
  });
});
