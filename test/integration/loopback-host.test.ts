import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../helpers/api-harness.js';

/** One real HTTP request to the harness with the given Host header. */
function get(
  h: ApiHarness,
  path: string,
  host: string | undefined,
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(h.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname,
        port,
        path,
        method: 'GET',
        setHost: host === undefined,
        headers: host === undefined ? {} : { host },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * DNS rebinding: a web page at evil.example whose name turns into 127.0.0.1
 * could call an open loopback API. Without credentials, only loopback names pass.
 */
describe('open loopback mode accepts only loopback Host names', () => {
  let open: ApiHarness;
  let guarded: ApiHarness;

  beforeAll(async () => {
    open = await startApiHarness({}, { worker: false });
    guarded = await startApiHarness(
      {
        API_TOKENS: 'a-token-of-enough-length',
        DASHBOARD_USER: 'ops',
        DASHBOARD_PASSWORD: 'pass-1',
      },
      { worker: false },
    );
  });
  afterAll(async () => {
    await open?.close();
    await guarded?.close();
  });

  it('refuses Host: evil.example on the API and the dashboard with 403, naming the reason', async () => {
    for (const path of ['/api/tasks/x', '/dashboard/api/queues', '/dashboard']) {
      for (const host of [
        'evil.example',
        'evil.example:80',
        `evil.example:${new URL(open.url).port}`,
        '127.0.0.1.evil.example',
        'localhost.evil.example',
      ]) {
        const answer = await get(open, path, host);
        expect(answer.status, `${path} ${host}`).toBe(403);
        expect(JSON.parse(answer.body)).toMatchObject({
          error: 'host not allowed',
          message: expect.stringMatching(/loopback/) as unknown,
        });
      }
    }
  });

  it('accepts localhost, 127.x, [::1] with or without a port', async () => {
    const port = new URL(open.url).port;
    for (const host of [
      'localhost',
      `localhost:${port}`,
      '127.0.0.1',
      `127.0.0.1:${port}`,
      '127.1.2.3',
      '[::1]',
      `[::1]:${port}`,
      'LOCALHOST',
    ]) {
      expect((await get(open, '/api/tasks/x', host)).status, host).toBe(404);
    }
  });

  it('with credentials set, any Host passes on to authentication', async () => {
    expect((await get(guarded, '/api/tasks/x', 'evil.example')).status).toBe(401);
  });
});
