import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';

/** A loopback server that redirects `/to?url=…` there and records what reached any other path. */
async function startHop(): Promise<HttpTestServer & { landed: IncomingHttpHeaders[] }> {
  const landed: IncomingHttpHeaders[] = [];
  const server = await startHttpTestServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://hop');
    req.resume();
    if (url.pathname === '/to') {
      res.writeHead(Number(url.searchParams.get('status') ?? 302), {
        location: url.searchParams.get('url') ?? '/',
      });
      return void res.end();
    }
    landed.push(req.headers);
    res.end('landed');
  });
  return Object.assign(server, { landed });
}

/** Every kind of credential header a task sets itself, and one that is not a credential. */
const CREDENTIALS = {
  headers: {
    Authorization: 'Bearer origin-only-token',
    'X-Api-Key': 'origin-only-key',
    'Proxy-Authorization': 'Basic b3JpZ2luOm9ubHk=',
    'X-Trace': 'not-a-secret',
  },
  cookies: { session: 'origin-only-cookie' },
};

/*
 * Redirect credentials, for the task's own headers: Authorization, Cookie,
 * Proxy-Authorization and API-key headers go on within the origin and never
 * to another one (here another port on 127.0.0.1), whatever the redirect
 * status. (Grant tokens: redirect-credentials.test.ts.)
 */
describe('task credential headers on redirects', () => {
  let h: Harness;
  let first: Awaited<ReturnType<typeof startHop>>;
  let second: Awaited<ReturnType<typeof startHop>>;

  beforeAll(async () => {
    h = startHarness();
    first = await startHop();
    second = await startHop();
  });
  afterAll(async () => {
    await h.close();
    await Promise.all([first.close(), second.close()]);
  });

  const redirect = (from: HttpTestServer, to: string, status = 302) =>
    `${from.url}/to?status=${status}&url=${encodeURIComponent(to)}`;

  it('sends Authorization, Cookie and API-key headers on to the same origin', async () => {
    const execution = await h.run({ url: redirect(first, '/land'), ...CREDENTIALS });
    expect(execution.output?.status).toBe('success');
    const headers = first.landed.at(-1)!;
    expect(headers.authorization).toBe('Bearer origin-only-token');
    expect(headers['x-api-key']).toBe('origin-only-key');
    expect(headers['proxy-authorization']).toBe('Basic b3JpZ2luOm9ubHk=');
    expect(headers.cookie).toBe('session=origin-only-cookie');
  });

  it.each([302, 307, 308])(
    'does not send them to another origin (another port on loopback) after a %i',
    async (status) => {
      const before = second.landed.length;
      const execution = await h.run({
        url: redirect(first, `${second.url}/land`, status),
        method: 'post',
        json: { n: 1 },
        ...CREDENTIALS,
      });
      expect(execution.output?.status).toBe('success');
      expect(second.landed).toHaveLength(before + 1);
      const headers = second.landed.at(-1)!;
      expect(headers.authorization).toBeUndefined();
      expect(headers['x-api-key']).toBeUndefined();
      expect(headers['proxy-authorization']).toBeUndefined();
      expect(headers.cookie).toBeUndefined();
      // Other headers still go: only credentials stay with their origin.
      expect(headers['x-trace']).toBe('not-a-secret');
    },
  );

  it('does not send them back to the first origin after a detour through another', async () => {
    const before = first.landed.length;
    const execution = await h.run({
      url: redirect(first, redirect(second, `${first.url}/land-again`)),
      ...CREDENTIALS,
    });
    expect(execution.output?.status).toBe('success');
    expect(first.landed).toHaveLength(before + 1);
    expect(first.landed.at(-1)?.authorization).toBeUndefined();
    expect(first.landed.at(-1)?.cookie).toBeUndefined();
  });
});
