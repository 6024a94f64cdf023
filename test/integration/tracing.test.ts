import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TaskProducer } from '../../producer/task-producer.js';
import { producerOptionsOf } from '../../producer/task-producer-options.js';
import { META_KEY } from '../../shared/job-envelope.js';
import { redactUrl } from '../../shared/redact.js';
import { startApiHarness } from '../helpers/api-harness.js';
import { freePort } from '../helpers/free-port.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';
import { startTaskrest, type TaskrestProcess } from '../helpers/taskrest-process.js';
import { deleteTestKeys, envOf, testConfig } from '../helpers/test-config.js';
import { eventually } from '../helpers/eventually.js';
import { TestQueue } from '../helpers/test-queue.js';
import { startWorkerProcess } from '../helpers/worker-process.js';

/*
 * Tracing end to end: the API and a worker as real processes with the real
 * OTLP/HTTP exporter (JSON) sending to a receiver on loopback; a target that
 * records the traceparent each request carries.
 */

/** What an OTLP/HTTP receiver got: the raw bodies, and the spans in them. */
interface Receiver extends HttpTestServer {
  readonly bodies: Buffer[];
  spans(): OtlpSpan[];
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

interface RawSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: Record<string, unknown> }[];
}

async function startReceiver(): Promise<Receiver> {
  const bodies: Buffer[] = [];
  const server = await startHttpTestServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') bodies.push(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  return Object.assign(server, {
    bodies,
    spans: () =>
      bodies.flatMap((body) => {
        const parsed = JSON.parse(body.toString()) as {
          resourceSpans: { scopeSpans: { spans: RawSpan[] }[] }[];
        };
        return parsed.resourceSpans.flatMap((r) =>
          r.scopeSpans.flatMap((s) =>
            s.spans.map((span) => ({
              ...span,
              attributes: Object.fromEntries(
                (span.attributes ?? []).map(({ key, value }) => [key, Object.values(value)[0]]),
              ),
            })),
          ),
        );
      }),
  });
}

/** A target that answers 503 to the first request of each path, 200 after, recording headers. */
interface Target extends HttpTestServer {
  readonly seen: { path: string; headers: IncomingHttpHeaders }[];
}

async function startTarget(): Promise<Target> {
  const seen: Target['seen'] = [];
  const server = await startHttpTestServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const first = !seen.some((s) => s.path === path);
      seen.push({ path, headers: req.headers });
      res.writeHead(first && path.startsWith('/flaky') ? 503 : 200, {
        'content-type': 'application/json',
      });
      res.end('{"ok": true}');
    });
  });
  return Object.assign(server, { seen });
}

/** Blanks any OTEL_ variable the test runner may have (a blank one asks for nothing). */
function blankOtel(): Record<string, string> {
  return Object.fromEntries(
    Object.keys(process.env)
      .filter((name) => name.startsWith('OTEL_'))
      .map((name) => [name, '']),
  );
}

/** The SDK's packages (the API and core are small and always loaded). */
const SDK_MODULE = /@opentelemetry\/(sdk-|exporter-|resources|otlp-)/;

const dist = (path: string) => fileURLToPath(new URL(`../../dist/${path}`, import.meta.url));

/**
 * A Node program that loads the worker command and starts tracing as the
 * worker process does, then prints the CommonJS modules loaded (the
 * OpenTelemetry packages are CommonJS, so every one loaded is listed).
 */
const LIST_LOADED_MODULES = `
  const { createRequire } = await import('node:module');
  await import(${JSON.stringify(dist('cli/worker-command.js'))});
  const { startTracing } = await import(${JSON.stringify(dist('cli/start-tracing.js'))});
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const tracing = await startTracing(process.env, quiet);
  process.stdout.write(JSON.stringify(Object.keys(createRequire(process.cwd() + '/').cache)));
  await tracing.shutdown();
`;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

const SECRETS = {
  auth: `auth-${hex(8)}`,
  query: `query-${hex(8)}`,
  cookie: `cookie-${hex(8)}`,
  body: `body-${hex(8)}`,
};

let receiver: Receiver;
let target: Target;
const processes: TaskrestProcess[] = [];

beforeAll(async () => {
  receiver = await startReceiver();
  target = await startTarget();
});
afterEach(async () => {
  for (const p of processes.splice(0)) expect(await p.stop()).toBe(0);
});
afterAll(async () => {
  await Promise.all([receiver.close(), target.close()]);
});

describe('tracing with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('continues the caller trace: enqueue, execution and attempt spans exported, traceparent sent, no secrets', async () => {
    const config = testConfig();
    const otel = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    const port = await freePort();
    const api = startTaskrest(
      ['api'],
      envOf(config, { PORT: String(port), TASKREST_LOG_LEVEL: 'info', ...otel }),
    );
    processes.push(api);
    const worker = await startWorkerProcess(config, otel);
    processes.push(worker);
    await api.waitFor(/listening on/);
    expect(api.output()).toMatch(/"tracing started"/);
    expect(worker.output()).toMatch(/"tracing started"/);

    const url = `${target.url}/flaky/call?api_key=${SECRETS.query}&page=2`;
    const traceId = hex(16);
    const callerSpanId = hex(8);
    const response = await fetch(`http://127.0.0.1:${port}/api/tasks?wait=60`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${callerSpanId}-01`,
        tracestate: 'vendor=opaque',
      },
      body: JSON.stringify({
        url,
        method: 'post',
        headers: { Authorization: `Bearer ${SECRETS.auth}` },
        cookies: { sid: SECRETS.cookie },
        json: { password: SECRETS.body },
        retry_backoff: { initial: 0.1, deadline: 60 },
      }),
    });
    expect(response.status).toBe(200);
    const execution = (await response.json()) as { output: { status: string } };
    expect(execution.output.status).toBe('success');

    // The target saw the caller's trace on both attempts, each from a span of its own.
    const calls = target.seen.filter((s) => s.path === '/flaky/call');
    expect(calls).toHaveLength(2);
    const parents = calls.map((c) => {
      const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(c.headers.traceparent));
      expect(match?.[1]).toBe(traceId);
      expect(c.headers.tracestate).toBe('vendor=opaque');
      return match?.[2];
    });
    expect(new Set(parents).size).toBe(2);

    const ours = () => receiver.spans().filter((s) => s.traceId === traceId);
    await eventually(() => ours().length >= 4, 'four spans of the trace exported', {
      timeoutMs: 30_000,
    });
    const spans = ours();
    const enqueue = spans.find((s) => s.name === 'taskrest enqueue');
    const execute = spans.find((s) => s.name === 'taskrest execute');
    const attempts = spans.filter((s) => s.name === 'POST');
    expect(enqueue?.parentSpanId).toBe(callerSpanId);
    expect(execute?.parentSpanId).toBe(enqueue?.spanId);
    expect(execute?.attributes['messaging.destination.name']).toBe(config.queueName);
    expect(execute?.attributes['taskrest.execution.id']).toBeTypeOf('string');
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt.parentSpanId).toBe(execute?.spanId);
      expect(attempt.kind).toBe(3); // CLIENT
      expect(attempt.attributes['http.request.method']).toBe('POST');
      expect(attempt.attributes['server.address']).toBe('127.0.0.1');
      expect(String(attempt.attributes['server.port'])).toBe(String(target.port));
      // Redacted exactly as the job log redacts it.
      expect(attempt.attributes['url.full']).toBe(redactUrl(new URL(url)));
      expect(attempt.attributes['url.full']).toMatch(/\/flaky\/call\?api_key=.*&page=2$/);
    }
    // The span ids the target saw are the attempt spans.
    expect(new Set(parents)).toEqual(new Set(attempts.map((a) => a.spanId)));
    const [first, retry] = [...attempts].sort(
      (a, b) =>
        Number(a.attributes['http.request.resend_count'] ?? 0) -
        Number(b.attributes['http.request.resend_count'] ?? 0),
    );
    expect(first?.attributes['http.request.resend_count']).toBeUndefined();
    expect(String(first?.attributes['http.response.status_code'])).toBe('503');
    expect(first?.attributes['error.type']).toBe('503');
    expect(String(retry?.attributes['http.request.resend_count'])).toBe('1');
    expect(String(retry?.attributes['http.response.status_code'])).toBe('200');
    expect(retry?.attributes['error.type']).toBeUndefined();

    // Nothing secret anywhere in what left the processes; the search itself works.
    const raw = Buffer.concat(receiver.bodies).toString();
    expect(raw).toContain(traceId);
    for (const secret of Object.values(SECRETS)) expect(raw).not.toContain(secret);
    await deleteTestKeys(config);
  }, 90_000);
});

describe('tracing off (no OTEL_ variable)', () => {
  it('loads no SDK, exports nothing, and still forwards the stored traceparent unchanged', async () => {
    const config = testConfig();
    const before = receiver.bodies.length;
    const worker = await startWorkerProcess(config, {
      TASKREST_LOG_LEVEL: 'debug',
      ...blankOtel(),
    });
    processes.push(worker);
    expect(worker.output()).toMatch(/"tracing off: no OTEL_ variable asks for it"/);
    const producer = new TaskProducer(producerOptionsOf(config));
    try {
      const traceparent = `00-${hex(16)}-${hex(8)}-01`;
      const { executionId } = await producer.enqueue(
        { url: `${target.url}/off-${hex(4)}` },
        { traceContext: { traceparent } },
      );
      const done = await producer.waitForResult(executionId, { timeoutMs: 30_000 });
      expect(done?.output?.status).toBe('success');
      const call = target.seen.find((s) => s.headers.traceparent === traceparent);
      expect(call).toBeDefined();
    } finally {
      await producer.close();
    }
    // Stopping flushes whatever an SDK would hold: after the exit, nothing may arrive.
    expect(await worker.stop()).toBe(0);
    expect(receiver.bodies.length).toBe(before);
    await deleteTestKeys(config);
  }, 60_000);

  it('keeps the SDK modules unloaded in a worker process unless an OTEL_ variable asks', async () => {
    const run = async (env: Record<string, string>) => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--input-type=module', '-e', LIST_LOADED_MODULES],
        { env: { ...process.env, ...blankOtel(), ...env } },
      );
      return JSON.parse(stdout) as string[];
    };
    const off = await run({});
    expect(off.some((m) => m.includes('@opentelemetry/api'))).toBe(true);
    expect(off.filter((m) => SDK_MODULE.test(m))).toEqual([]);
    // The control: the same check sees them once asked for.
    const on = await run({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    expect(on.some((m) => m.includes('@opentelemetry/sdk-trace-node'))).toBe(true);
    expect(on.some((m) => m.includes('@opentelemetry/exporter-trace-otlp-proto'))).toBe(true);
    // OTEL_TRACES_EXPORTER=none wins over an endpoint.
    const none = await run({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      OTEL_TRACES_EXPORTER: 'none',
    });
    expect(none.filter((m) => SDK_MODULE.test(m))).toEqual([]);
  }, 60_000);
});

describe('API without tracing', () => {
  it('stores the traceparent header of a task and of a bulk request as given, and none without one', async () => {
    const h = await startApiHarness({}, { worker: false });
    const queue = new TestQueue(h.config);
    try {
      const traceparent = `00-${hex(16)}-${hex(8)}-01`;
      const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
        fetch(`${h.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        }).then((r) => r.json());
      const task = { url: `${target.url}/never-run` };
      const one = (await post('/api/tasks', task, { traceparent })) as { execution_id: number };
      const bulk = (await post('/api/tasks/bulk', [task, task], {
        traceparent,
        tracestate: 'a=1',
      })) as { execution_id: number }[];
      const none = (await post('/api/tasks', task)) as { execution_id: number };
      const metaOf = async (id: number) =>
        ((await queue.getJob(String(id)))?.data as Record<string, unknown>)[META_KEY];
      expect(await metaOf(one.execution_id)).toEqual({ trace: { traceparent } });
      for (const { execution_id } of bulk) {
        expect(await metaOf(execution_id)).toEqual({
          trace: { traceparent, tracestate: 'a=1' },
        });
      }
      expect(await metaOf(none.execution_id)).toBeUndefined();
    } finally {
      await queue.close();
      await h.close();
    }
  });
});

describe('library: enqueue inside an active span', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
  });
  afterAll(() => {
    context.disable();
  });

  it('stores the active span as the traceparent of the execution, and nothing outside a span', async () => {
    const config = testConfig();
    const producer = new TaskProducer(producerOptionsOf(config));
    const queue = new TestQueue(config);
    const tracer = new BasicTracerProvider().getTracer('caller');
    try {
      const { traced, spanContext } = await tracer.startActiveSpan('caller', async (span) => {
        try {
          const { executionId } = await producer.enqueue({ url: `${target.url}/lib` });
          return { traced: executionId, spanContext: span.spanContext() };
        } finally {
          span.end();
        }
      });
      const plain = (await producer.enqueue({ url: `${target.url}/lib` })).executionId;
      const dataOf = async (id: number | string) =>
        (await queue.getJob(String(id)))?.data as Record<string, unknown>;
      const meta = (await dataOf(traced))[META_KEY] as { trace?: { traceparent: string } };
      expect(meta.trace?.traceparent).toBe(`00-${spanContext.traceId}-${spanContext.spanId}-01`);
      expect(trace.getActiveSpan()).toBeUndefined();
      expect(await dataOf(plain)).not.toHaveProperty(META_KEY);
    } finally {
      await producer.close();
      await queue.close();
      await deleteTestKeys(config);
    }
  });
});
