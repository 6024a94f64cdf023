import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';

/**
 * A loopback server: `/set?c=<Set-Cookie line>&c=…&to=<url>` answers with
 * those Set-Cookie lines (and a 302 to `to` when given); every request's
 * path and Cookie header are recorded. `/secret` sets `sid=cookie-secret-value`
 * and redirects to `/land`.
 */
async function startCookieServer(): Promise<
  HttpTestServer & { seen: { path: string; cookie: string | undefined }[] }
> {
  const seen: { path: string; cookie: string | undefined }[] = [];
  const server = await startHttpTestServer((req, res) => {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://cookies');
    seen.push({ path: url.pathname, cookie: req.headers.cookie });
    // A fixed secret cookie, so that the secret is nowhere in the request URL.
    const secret = url.pathname === '/secret';
    const to = secret ? '/land' : url.searchParams.get('to');
    res.writeHead(to ? 302 : 200, {
      'set-cookie': secret ? ['sid=cookie-secret-value'] : url.searchParams.getAll('c'),
      ...(to ? { location: to } : {}),
      'content-type': 'text/plain',
    });
    res.end('ok');
  });
  return Object.assign(server, { seen });
}

/** `/set?c=…&to=…`: a path that answers with these Set-Cookie lines (and redirects to `to`). */
function set(lines: string[], to?: string): string {
  const query = new URLSearchParams();
  for (const line of lines) query.append('c', line);
  if (to) query.set('to', to);
  return `/set?${query.toString()}`;
}

/** `cookies` come from a real cookie jar (RFC 6265) kept across the redirects of one execution. */
describe('the cookie jar of an execution', () => {
  let h: Harness;
  let server: Awaited<ReturnType<typeof startCookieServer>>;

  beforeAll(async () => {
    h = startHarness();
    server = await startCookieServer();
  });
  afterAll(async () => {
    await h.close();
    await server.close();
  });
  beforeEach(() => {
    server.seen.length = 0;
  });

  it('leaves out and does not send on cookies that expired (Max-Age=0, past Expires)', async () => {
    const { output } = await h.run({
      url: `${server.url}${set(['keep=1', 'gone=1; Max-Age=0', 'past=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT'], '/land')}`,
    });
    expect(output?.status).toBe('success');
    expect(output?.cookies).toEqual({ keep: '1' });
    expect(server.seen.at(-1)).toEqual({ path: '/land', cookie: 'keep=1' });
  });

  it('a server expiring a cookie removes it from the output and from later hops', async () => {
    const { output } = await h.run({
      url: `${server.url}${set(['a=1', 'b=2'], set(['a=; Max-Age=0'], '/land'))}`,
    });
    expect(output?.cookies).toEqual({ b: '2' });
    expect(server.seen.at(-1)).toEqual({ path: '/land', cookie: 'b=2' });
  });

  it('refuses a cookie for a foreign Domain', async () => {
    const { output } = await h.run({
      url: `${server.url}${set(['foreign=1; Domain=example.com', 'local=1'], '/land')}`,
    });
    expect(output?.cookies).toEqual({ local: '1' });
    expect(server.seen.at(-1)).toEqual({ path: '/land', cookie: 'local=1' });
  });

  it('sends the new value after a redirect answered Set-Cookie for a task cookie', async () => {
    const { output } = await h.run({
      url: `${server.url}${set(['k1=new'], '/land')}`,
      cookies: { k1: 'old', other: 'kept' },
    });
    expect(server.seen[0]?.cookie).toBe('k1=old; other=kept');
    // RFC 6265 5.3: a replaced cookie keeps its creation time, so its place in the header.
    expect(server.seen.at(-1)?.cookie).toBe('k1=new; other=kept');
    expect(output?.cookies).toEqual({ k1: 'new' });
  });

  it('a later Set-Cookie replaces an earlier one of the same name', async () => {
    const { output } = await h.run({
      url: `${server.url}${set(['v=1'], set(['v=2'], '/land'))}`,
    });
    expect(server.seen.map((s) => s.cookie)).toEqual([undefined, 'v=1', 'v=2']);
    expect(output?.cookies).toEqual({ v: '2' });
  });

  it('keeps the quotes of a quoted value, in the output and on later hops', async () => {
    const { output } = await h.run({ url: `${server.url}${set(['q="a b"'], '/land')}` });
    expect(output?.cookies).toEqual({ q: '"a b"' });
    expect(server.seen.at(-1)?.cookie).toBe('q="a b"');
  });

  it('sends a cookie only under its Path', async () => {
    const { output } = await h.run({
      url: `${server.url}${set(['scoped=1; Path=/app', 'root=1; Path=/'], `/app/x?${new URLSearchParams({ to: '/land' }).toString()}`)}`,
    });
    expect(output?.cookies).toEqual({ scoped: '1', root: '1' });
    expect(server.seen.map((s) => [s.path, s.cookie])).toEqual([
      ['/set', undefined],
      ['/app/x', 'scoped=1; root=1'],
      ['/land', 'root=1'],
    ]);
  });

  it('sends a cookie only to the origin that set it (another port is another origin)', async () => {
    const other = await startCookieServer();
    try {
      const { output } = await h.run({
        url: `${other.url}${set(['elsewhere=1'], `${server.url}/land`)}`,
      });
      expect(output?.status).toBe('success');
      expect(server.seen).toEqual([{ path: '/land', cookie: undefined }]);
      expect(output?.cookies).toEqual({ elsewhere: '1' });
    } finally {
      await other.close();
    }
  });

  it('never writes cookie values to the log', async () => {
    const { output } = await h.run({
      url: `${server.url}/secret`,
      cookies: { task: 'task-cookie-secret' },
    });
    const log = output?.log.join('\n') ?? '';
    expect(log).not.toContain('cookie-secret-value');
    expect(log).not.toContain('task-cookie-secret');
    expect(output?.cookies).toEqual({ sid: 'cookie-secret-value' });
    expect(server.seen.at(-1)?.cookie).toBe('task=task-cookie-secret; sid=cookie-secret-value');
  });
});
