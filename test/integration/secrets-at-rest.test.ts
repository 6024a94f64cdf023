import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskProducer } from '../../producer/task-producer.js';
import { producerOptionsOf } from '../../producer/task-producer-options.js';
import { loadConfig, type Config } from '../../shared/config.js';
import { dumpRedis } from '../helpers/dump-redis.js';
import { createLogger } from '../../shared/logger.js';
import { keyIdOf } from '../../shared/secrets/key-ring.js';
import type { TaskInput } from '../../shared/task-schema.js';
import { startTaskWorker } from '../../worker/runtime/task-worker.js';
import { startHarness } from '../helpers/harness.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';
import { startTaskrest, type TaskrestProcess } from '../helpers/taskrest-process.js';
import { deleteTestKeys, envOf, testConfig } from '../helpers/test-config.js';

/** Fresh secret values, unmistakable in any dump. */
function makeSecrets() {
  const id = randomUUID().replaceAll('-', '');
  return {
    bearer: `bearer${id}A`,
    apiKey: `apikey${id}B`,
    cookie: `cookie${id}C`,
    param: `param${id}D`,
    password: `password${id}E`,
    formSecret: `formsecret${id}F`,
    token: `token${id}G`,
  };
}
type Secrets = ReturnType<typeof makeSecrets>;

/** What the target received, per path, so the test can check the secrets arrived intact. */
interface Received {
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A target that records requests and never echoes anything back. */
async function startSilentTarget(): Promise<HttpTestServer & { received: Received[] }> {
  const received: Received[] = [];
  let flaky = 0;
  const server = await startHttpTestServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://target');
      received.push({
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      if (url.pathname === '/redirect') {
        res.writeHead(302, { location: '/ok' });
        return void res.end();
      }
      if (url.pathname === '/flaky' && flaky++ === 0) {
        res.writeHead(503);
        return void res.end('try again');
      }
      const status = url.pathname === '/fail' ? 500 : 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: status === 200 }));
    });
  });
  return Object.assign(server, { received });
}

/** A task carrying every kind of secret input. */
function secretTask(base: string, path: string, s: Secrets): TaskInput {
  return {
    url: `${base}${path}?page=1&access_token=${s.token}`,
    headers: {
      Authorization: `Bearer ${s.bearer}`,
      'X-Api-Key': s.apiKey,
      Accept: 'application/json',
    },
    cookies: { session: s.cookie },
    params: { api_key: s.param },
    retry_backoff: { initial: 1 },
  };
}

function expectNoSecret(text: string, s: Secrets): void {
  for (const [name, value] of Object.entries(s)) {
    expect(text.includes(value), `${name} found in:\n${text.slice(0, 4000)}`).toBe(false);
  }
}

describe('secrets at rest (TASKREST_SECRET_KEY)', () => {
  const key = randomBytes(32).toString('hex');
  const secrets = makeSecrets();
  let config: Config;
  let target: Awaited<ReturnType<typeof startSilentTarget>>;
  let producer: TaskProducer;
  let worker: TaskrestProcess;

  beforeAll(async () => {
    target = await startSilentTarget();
    config = testConfig({ TASKREST_SECRET_KEY: key });
    producer = new TaskProducer(producerOptionsOf(config));
    // A real worker process, logging at its most talkative level.
    worker = startTaskrest(
      ['worker'],
      envOf(config, { TASKREST_SECRET_KEY: key, TASKREST_LOG_LEVEL: 'debug' }),
    );
    await worker.waitFor(/worker started/);
  });
  afterAll(async () => {
    await worker?.stop();
    await producer?.close();
    await target?.close();
    if (config) await deleteTestKeys(config);
  });

  it('sends every secret intact, yet none of them is anywhere in Redis or the worker log', async () => {
    const s = secrets;
    const base = target.url;
    const tasks: TaskInput[] = [
      secretTask(base, '/ok', s),
      secretTask(base, '/redirect', s),
      secretTask(base, '/fail', s),
      secretTask(base, '/flaky', s),
      {
        url: `${base.replace('http://', `http://svc:${s.password}@`)}/basic`,
        method: 'post',
        urlencoded: { grant_type: 'client_credentials', client_secret: s.formSecret },
      },
    ];
    const ids = [
      ...(await Promise.all(tasks.slice(0, 3).map((t) => producer.enqueue(t)))),
      ...(await producer.enqueueBulk(tasks.slice(3))),
    ].map((r) => r.executionId);
    const executions = await Promise.all(
      ids.map((id) => producer.waitForResult(id, { timeoutMs: 20_000 })),
    );
    expect(executions.map((e) => e?.state)).toEqual([
      'completed',
      'completed',
      'failed',
      'completed',
      'completed',
    ]);

    // The target got the real values: the worker unsealed them.
    const ok = target.received.find((r) => r.path === '/ok')!;
    expect(ok.headers.authorization).toBe(`Bearer ${s.bearer}`);
    expect(ok.headers['x-api-key']).toBe(s.apiKey);
    expect(ok.headers.cookie).toBe(`session=${s.cookie}`);
    expect(ok.query.get('api_key')).toBe(s.param);
    expect(ok.query.get('access_token')).toBe(s.token);
    expect(ok.query.get('page')).toBe('1');
    const basic = target.received.find((r) => r.path === '/basic')!;
    expect(basic.headers.authorization).toBe(
      `Basic ${Buffer.from(`svc:${s.password}`).toString('base64')}`,
    );
    expect(new URLSearchParams(basic.body).get('client_secret')).toBe(s.formSecret);
    expect(target.received.filter((r) => r.path === '/flaky')).toHaveLength(2);

    const dump = await dumpRedis(config);
    // The dump does see the jobs: their data, outputs, logs, the failure.
    expect(dump).toMatch(/\$taskrest.{0,8}sealed/);
    expect(dump).toContain('[REDACTED]');
    expect(dump).toMatch(/retry 1 in/);
    expect(dump).toMatch(/HTTP 500/);
    expectNoSecret(dump, s);
    expect(dump).not.toContain(Buffer.from(`svc:${s.password}`).toString('base64'));

    const log = worker.output();
    // pino writes the message after the fields.
    expect(log).toMatch(/"level":"debug",[^\n]*"msg":"execution failed"/);
    expectNoSecret(log, s);
  });

  it('finds the secrets without a key (the search above can fail)', async () => {
    const h = startHarness();
    try {
      const execution = await h.run(secretTask(target.url, '/ok', secrets));
      expect(execution.state).toBe('completed');
      const dump = await dumpRedis(h.config);
      expect(dump).toContain(secrets.bearer);
      expect(dump).toContain(secrets.cookie);
    } finally {
      await h.close();
    }
  });
});

describe('secret key rotation', () => {
  const oldKey = randomBytes(32).toString('hex');
  const newKey = randomBytes(32).toString('base64');
  let target: Awaited<ReturnType<typeof startSilentTarget>>;

  beforeAll(async () => {
    target = await startSilentTarget();
  });
  afterAll(async () => {
    await target.close();
  });

  /** Enqueues with the producer's key, runs with a worker holding `workerKeys`. */
  async function runWith(workerKeys: Record<string, string>, secrets: Secrets) {
    const base = testConfig();
    const producer = TaskProducer.fromEnv(envOf(base, { TASKREST_SECRET_KEY: oldKey }));
    const workerConfig = loadConfig(envOf(base, workerKeys));
    const worker = startTaskWorker(workerConfig, createLogger(workerConfig));
    try {
      const { executionId } = await producer.enqueue(secretTask(target.url, '/ok', secrets));
      return await producer.waitForResult(executionId, { timeoutMs: 20_000 });
    } finally {
      await worker.close();
      await producer.close();
      await deleteTestKeys(base);
    }
  }

  it('runs a job sealed with the old key on a worker that has it in TASKREST_OLD_SECRET_KEYS', async () => {
    const s = makeSecrets();
    const execution = await runWith(
      {
        TASKREST_SECRET_KEY: newKey,
        TASKREST_OLD_SECRET_KEYS: `${randomBytes(32).toString('hex')},${oldKey}`,
      },
      s,
    );
    expect(execution?.state).toBe('completed');
    const seen = target.received.find((r) => r.query.get('api_key') === s.param);
    expect(seen?.headers.authorization).toBe(`Bearer ${s.bearer}`);
  });

  it('fails a job sealed with a key the worker does not have, saying which', async () => {
    const s = makeSecrets();
    const execution = await runWith({ TASKREST_SECRET_KEY: newKey }, s);
    expect(execution?.state).toBe('failed');
    const oldId = keyIdOf(Buffer.from(oldKey, 'hex'));
    const newId = keyIdOf(Buffer.from(newKey, 'base64'));
    expect(execution?.output?.message).toBe(
      `task secrets are sealed with key ${oldId}, which this worker does not have (its keys: ${newId}); set TASKREST_SECRET_KEY or TASKREST_OLD_SECRET_KEYS`,
    );
    expect(target.received.some((r) => r.query.get('api_key') === s.param)).toBe(false);
  });
});
