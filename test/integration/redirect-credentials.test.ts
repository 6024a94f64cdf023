import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { startOAuthTestServer, type OAuthTestServer } from '../helpers/oauth-test-server.js';
import {
  startScriptedTarget,
  type ScriptedTarget,
  type ScriptedTargetOptions,
} from '../helpers/scripted-target.js';

/*
 * Credentials stay with their origin: on a redirect to another origin (here
 * another port of 127.0.0.1), neither a grant's token nor the task's own
 * Authorization and Cookie headers are sent on. A redirect within the origin
 * keeps them (the control that shows the servers would see them).
 */
let dir: string;
let oauth: OAuthTestServer;
let first: ScriptedTarget;
let second: ScriptedTarget;
let harness: Harness;

/** `/to?url=U` answers a 302 to U; any other path 200. */
const redirecting: ScriptedTargetOptions = {
  routes: {
    '/to': (arrival) => ({
      status: 302,
      headers: { location: arrival.query.get('url') ?? '/' },
      body: '',
    }),
  },
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'taskrest-redirect-'));
  oauth = await startOAuthTestServer();
  first = await startScriptedTarget(redirecting);
  second = await startScriptedTarget(redirecting);
  const grants = join(dir, 'grants.json');
  writeFileSync(
    grants,
    JSON.stringify({
      api: {
        type: 'client_credentials',
        token_url: oauth.tokenUrl,
        client_id: 'c',
        client_secret: 'redirect-test-client-secret',
      },
    }),
  );
  harness = startHarness({ GRANTS_FILE: grants });
});
afterAll(async () => {
  await harness?.close();
  await Promise.all([first?.close(), second?.close(), oauth?.close()]);
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  first.clear();
  second.clear();
});

const via = (server: ScriptedTarget, target: string) =>
  `${server.url}/to?url=${encodeURIComponent(target)}`;

describe('credentials on redirects', () => {
  it('sends a grant token to the first origin only', async () => {
    const { output } = await harness.run({ url: via(first, `${second.url}/end`), grant: 'api' });
    expect(output?.status).toBe('success');
    expect(first.arrivals[0]?.headers.authorization).toMatch(/^Bearer .+/);
    expect(second.arrivals).toHaveLength(1);
    expect(second.arrivals[0]?.headers.authorization).toBeUndefined();
  });

  it('keeps the grant token on a redirect within the origin', async () => {
    const { output } = await harness.run({ url: via(first, `${first.url}/end`), grant: 'api' });
    expect(output?.status).toBe('success');
    expect(first.arrivals.map((s) => s.headers.authorization)).toEqual([
      first.arrivals[0]?.headers.authorization,
      first.arrivals[0]?.headers.authorization,
    ]);
    expect(first.arrivals[1]?.headers.authorization).toMatch(/^Bearer .+/);
  });

  it("drops the task's own Authorization and Cookie headers on a change of origin", async () => {
    const task = {
      headers: { Authorization: 'Basic dXNlcjpwYXNz', 'X-Trace': 'kept' },
      cookies: { session: 's3cr3t' },
    };
    const cross = await harness.run({ ...task, url: via(first, `${second.url}/end`) });
    expect(cross.output?.status).toBe('success');
    expect(first.arrivals[0]?.headers).toMatchObject({
      authorization: 'Basic dXNlcjpwYXNz',
      cookie: 'session=s3cr3t',
    });
    expect(second.arrivals[0]?.headers.authorization).toBeUndefined();
    expect(second.arrivals[0]?.headers.cookie).toBeUndefined();
    expect(second.arrivals[0]?.headers['x-trace']).toBe('kept');

    const same = await harness.run({ ...task, url: via(first, `${first.url}/end`) });
    expect(same.output?.status).toBe('success');
    expect(first.arrivals[2]?.headers).toMatchObject({
      authorization: 'Basic dXNlcjpwYXNz',
      cookie: 'session=s3cr3t',
    });
  });

  it('drops a Cookie header given in headers too', async () => {
    const { output } = await harness.run({
      url: via(first, `${second.url}/end`),
      headers: { Cookie: 'id=abc' },
    });
    expect(output?.status).toBe('success');
    expect(first.arrivals[0]?.headers.cookie).toBe('id=abc');
    expect(second.arrivals[0]?.headers.cookie).toBeUndefined();
  });
});
