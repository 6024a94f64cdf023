import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TaskProducer } from '../../producer/task-producer.js';
import { producerOptionsOf } from '../../producer/task-producer-options.js';
import type { Config } from '../../shared/config.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { startOAuthTestServer, type OAuthTestServer } from '../helpers/oauth-test-server.js';
import { startResourceServer, type ResourceServer } from '../helpers/resource-server.js';
import { runCli } from '../helpers/run-cli.js';
import { startTaskrest, type TaskrestProcess } from '../helpers/taskrest-process.js';
import { deleteTestKeys, envOf, testConfig } from '../helpers/test-config.js';

/*
 * OAuth grants against a real OAuth 2 server on loopback (oauth2-mock-server):
 * tokens fetched, cached, shared across worker processes through Redis,
 * renewed on expiry and on 401, and never found in Redis or in the logs.
 */
const CLIENT_SECRET = 'cs-9f3e1d7a-very-secret-client-secret';
const REFRESH_TOKEN = 'rt-initial-4b1c9e0f-refresh-token';

let dir: string;
let oauth: OAuthTestServer;
let api: ResourceServer;
let grantsFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'taskrest-grants-'));
  oauth = await startOAuthTestServer();
  api = await startResourceServer((token) => oauth.issued.has(token));
  grantsFile = join(dir, 'grants.json');
  writeFileSync(
    grantsFile,
    JSON.stringify({
      orders: {
        type: 'client_credentials',
        token_url: oauth.tokenUrl,
        client_id: 'orders-client',
        client_secret: CLIENT_SECRET,
        scope: 'orders:read orders:write',
        audience: 'https://orders.example',
      },
      user: {
        type: 'refresh_token',
        token_url: oauth.tokenUrl,
        client_id: 'user-client',
        client_secret: CLIENT_SECRET,
        refresh_token: REFRESH_TOKEN,
      },
    }),
  );
});
afterAll(async () => {
  await api?.close();
  await oauth?.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  oauth.requests.length = 0;
  oauth.expiresInS = 3600;
  oauth.delayMs = 0;
  oauth.failWith = undefined;
  api.clear();
});

describe('grants in one worker', () => {
  let harness: Harness;
  beforeAll(() => {
    harness = startHarness({ GRANTS_FILE: grantsFile });
  });
  afterAll(() => harness?.close());

  it('fetches a token with the client credentials, sends it as a bearer token, and caches it', async () => {
    const first = await harness.run({ url: `${api.url}/orders`, grant: 'orders' });
    expect(first.output).toMatchObject({ status: 'success', status_code: 200 });
    expect(oauth.requests).toHaveLength(1);
    const [request] = oauth.requests;
    expect(request).toMatchObject({
      grantType: 'client_credentials',
      basic: `orders-client:${CLIENT_SECRET}`,
      form: { scope: 'orders:read orders:write', audience: 'https://orders.example' },
    });
    expect(api.authorizations()).toEqual([`Bearer ${request?.accessToken}`]);

    const again = await harness.run({ url: `${api.url}/orders/2`, grant: 'orders' });
    expect(again.output?.status).toBe('success');
    expect(oauth.requests).toHaveLength(1); // cached
    expect(api.authorizations()[1]).toBe(`Bearer ${request?.accessToken}`);
  });

  it('fetches a new token shortly before the old one expires', async () => {
    oauth.expiresInS = 2;
    await harness.run({ url: `${api.url}/orders`, grant: 'user' });
    await harness.run({ url: `${api.url}/orders`, grant: 'user' });
    expect(oauth.requests).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const later = await harness.run({ url: `${api.url}/orders`, grant: 'user' });
    expect(later.output?.status).toBe('success');
    expect(oauth.requests).toHaveLength(2);
    const [first, second] = oauth.requests;
    expect(second?.accessToken).not.toBe(first?.accessToken);
    expect(api.authorizations().at(-1)).toBe(`Bearer ${second?.accessToken}`);
    // refresh_token grant: the configured refresh token first, then the one the server rotated to.
    expect(first).toMatchObject({
      grantType: 'refresh_token',
      form: { refresh_token: REFRESH_TOKEN },
    });
    expect(second?.form.refresh_token).toBe(first?.refreshToken);
    expect(second?.form.refresh_token).not.toBe(REFRESH_TOKEN);
  });

  it('renews the token once on a 401 and sends the request again', async () => {
    await harness.run({ url: `${api.url}/orders`, grant: 'orders' });
    const before = oauth.requests.length;
    // The cached token is revoked: the resource server answers 401 to it from now on.
    const cachedToken = api.authorizations().at(-1)?.slice(7) ?? '';
    api.revoked.add(cachedToken);
    api.clear();
    const { output } = await harness.run({ url: `${api.url}/orders`, grant: 'orders' });
    expect(output).toMatchObject({ status: 'success', status_code: 200 });
    expect(oauth.requests).toHaveLength(before + 1);
    const renewed = oauth.requests.at(-1)?.accessToken;
    expect(api.authorizations()).toEqual([`Bearer ${cachedToken}`, `Bearer ${renewed}`]);
    expect(renewed).not.toBe(cachedToken);
    expect(output?.log.join('\n')).toMatch(/response HTTP 401.*\n.*credentials refused: renewing/);

    // The renewed token is cached for the next execution.
    const next = await harness.run({ url: `${api.url}/orders`, grant: 'orders' });
    expect(next.output?.status).toBe('success');
    expect(oauth.requests).toHaveLength(before + 1);
  });

  it('renews only once when the new token is refused too', async () => {
    const refusing = await startResourceServer(() => false);
    try {
      await harness.run({ url: `${api.url}/orders`, grant: 'orders' });
      const before = oauth.requests.length;
      const { output } = await harness.run({ url: `${refusing.url}/x`, grant: 'orders' });
      expect(output).toMatchObject({ status: 'error', status_code: 401 });
      expect(refusing.authorizations()).toHaveLength(2);
      expect(oauth.requests).toHaveLength(before + 1);
    } finally {
      await refusing.close();
    }
  });

  it('fails an unknown grant before any request', async () => {
    const { output } = await harness.run({ url: `${api.url}/orders`, grant: 'nope' });
    expect(output).toMatchObject({
      status: 'error',
      status_code: null,
      message: 'grant "nope" is not configured (GRANTS_FILE)',
    });
    expect(api.authorizations()).toEqual([]);
    expect(oauth.requests).toEqual([]);
  });

  it('reports a failing token endpoint without secrets, and sends nothing to the target', async () => {
    const other = startHarness({ GRANTS_FILE: grantsFile }); // an empty cache of its own
    try {
      oauth.failWith = { status: 401, error: 'invalid_client' };
      const { output } = await other.run({ url: `${api.url}/orders`, grant: 'orders' });
      expect(output).toMatchObject({
        status: 'error',
        message: `grant "orders": token endpoint ${oauth.tokenUrl} answered HTTP 401 (invalid_client)`,
      });
      expect(JSON.stringify(output)).not.toContain(CLIENT_SECRET);
      expect(api.authorizations()).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

describe('grants under the outbound policy', () => {
  let harness: Harness;
  beforeAll(() => {
    // The token endpoint listens on the IP literal 127.0.0.1, which no DNS lookup sees.
    harness = startHarness({
      GRANTS_FILE: grantsFile,
      TASKREST_OUTBOUND_DENY_CIDRS: '127.0.0.1/32',
    });
  });
  afterAll(() => harness?.close());

  it('refuses a token endpoint at a denied IP address: the client secret is never sent', async () => {
    expect(new URL(oauth.tokenUrl).hostname).toBe('127.0.0.1');
    // The target's name passes the checks made before the token request.
    const target = api.url.replace('127.0.0.1', 'localhost');
    const execution = await harness.run({ url: `${target}/orders`, grant: 'orders' });
    expect(execution.output).toMatchObject({ status: 'error', status_code: null });
    expect(execution.output?.message).toMatch(
      /^grant "orders": token endpoint http:\/\/127\.0\.0\.1:\d+\/token failed: destination denied by the outbound policy: 127\.0\.0\.1 \(TASKREST_OUTBOUND_DENY_CIDRS 127\.0\.0\.1\/32\)$/,
    );
    expect(oauth.requests).toHaveLength(0);
    expect(api.authorizations()).toHaveLength(0);
  });
});

describe('grants shared by worker processes', () => {
  let config: Config;
  let workers: TaskrestProcess[] = [];
  let producer: TaskProducer;

  beforeAll(() => {
    config = testConfig({ TASKREST_LOG_LEVEL: 'debug' });
    producer = new TaskProducer(producerOptionsOf(config));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await producer?.close();
    await deleteTestKeys(config);
  });

  it('fetches one token for two worker processes starting at once, and keeps it and the secret out of Redis and the logs', async () => {
    // Slow answers keep jobs running in both processes; a slow token endpoint
    // makes both processes ask for the token while the first fetch is under way.
    const slowApi = await startResourceServer((token) => oauth.issued.has(token), 300);
    try {
      oauth.delayMs = 800;
      // Four jobs at a time each: 40 slow jobs cannot all go to one process, however the
      // two start (under load one used to take all of them, the other asking for nothing).
      const env = envOf(config, { GRANTS_FILE: grantsFile, WORKER_CONCURRENCY: '4' });
      workers = [startTaskrest(['worker'], env), startTaskrest(['worker'], env)];
      await Promise.all(workers.map((w) => w.waitFor(/worker started/)));
      const ids = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          producer.enqueue({ url: `${slowApi.url}/orders/${i}`, grant: 'orders' }),
        ),
      );
      const executions = await Promise.all(
        ids.map(({ executionId }) => producer.waitForResult(executionId, { timeoutMs: 60_000 })),
      );
      expect(executions.map((e) => e?.output?.status)).toEqual(ids.map(() => 'success'));

      expect(oauth.requests).toHaveLength(1);
      const token = oauth.requests[0]?.accessToken ?? '';
      expect(new Set(slowApi.authorizations())).toEqual(new Set([`Bearer ${token}`]));
      // Both processes ran jobs with it: one fetched it, the other took it from Redis.
      const logs = workers.map((w) => w.output());
      expect(logs.filter((l) => l.includes('grant token fetched'))).toHaveLength(1);
      expect(logs.filter((l) => l.includes('grant token from the shared cache'))).toHaveLength(1);

      // Everything Redis holds under the prefix, and both processes' output.
      const dump = await dumpRedis(config);
      expect(dump).toContain(':grant:orders:'); // the cache is there…
      // …but neither secret is there in clear, nor merely base64- or hex-encoded.
      for (const secret of [CLIENT_SECRET, token, ...token.split('.').slice(1)]) {
        for (const form of encodings(secret)) {
          expect(dump).not.toContain(form);
          for (const log of logs) expect(log).not.toContain(form);
        }
      }
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await slowApi.close();
    }
  }, 90_000);
});

describe('GRANTS_FILE checked at start', () => {
  it('stops the worker with a message naming GRANTS_FILE and the bad entry', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        good: {
          type: 'client_credentials',
          token_url: 'https://auth.example/token',
          client_id: 'a',
          client_secret: 'b',
        },
        broken: {
          type: 'password',
          token_url: 'not a url',
          client_id: 'a',
          client_secret: CLIENT_SECRET,
        },
      }),
    );
    const config = testConfig();
    const { code, stderr } = await runCli(['worker'], envOf(config, { GRANTS_FILE: bad }));
    expect(code).toBe(2);
    expect(stderr).toContain(`GRANTS_FILE ${bad}`);
    expect(stderr).toContain(
      'grant "broken" type: expected one of client_credentials, refresh_token',
    );
    expect(stderr).toContain(
      'grant "broken" token_url: expected an absolute http:// or https:// URL',
    );
    expect(stderr).not.toContain(CLIENT_SECRET);
    expect(stderr).not.toContain('"good"');
  });

  it('names a file that is missing or not JSON', async () => {
    const config = testConfig();
    const missing = await runCli(
      ['worker'],
      envOf(config, { GRANTS_FILE: join(dir, 'none.json') }),
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/GRANTS_FILE .*none\.json: ENOENT/);
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{ "a": ');
    const broken = await runCli(['worker'], envOf(config, { GRANTS_FILE: notJson }));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/GRANTS_FILE .*not\.json: not valid JSON/);
  });
});

/** `secret` as text, hex, and base64 at each of the three byte alignments it can have inside a longer value. */
function encodings(secret: string): string[] {
  const base64 = [0, 1, 2].map((pad) => {
    const text = Buffer.from('\0'.repeat(pad) + secret).toString('base64');
    // The first and last groups depend on the neighbouring bytes; the middle does not.
    return text.slice(4, -4);
  });
  return [secret, Buffer.from(secret).toString('hex'), ...base64];
}

/** Every key under the prefix with its whole value, read by type, as one text. */
async function dumpRedis(config: Config): Promise<string> {
  const redis = new Redis(config.redisUrl);
  try {
    const parts: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.prefix}:*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        const raw = await redis.dumpBuffer(key);
        parts.push(key, type, raw?.toString('latin1') ?? '');
        if (type === 'string') parts.push((await redis.get(key)) ?? '');
        else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
        else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
        else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
        else if (type === 'zset')
          parts.push(JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES')));
        else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      }
    } while (cursor !== '0');
    expect(parts.length).toBeGreaterThan(0);
    return parts.join('\n');
  } finally {
    redis.disconnect();
  }
}
