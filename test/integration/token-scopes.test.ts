import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../helpers/api-harness.js';

const TOKENS = { read: 'reader-token-1', enqueue: 'service-token-2', admin: 'ops-token-3' };

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness(
    {
      API_TOKENS: `reports:${TOKENS.read}:read,billing:${TOKENS.enqueue}:enqueue,ops:${TOKENS.admin}`,
    },
    { worker: false },
  );
});

afterAll(async () => {
  await h?.close();
});

/** Every `/api/*` route the server registered, its parameters filled in. */
function apiRoutes(): { method: string; path: string; url: string }[] {
  return h.api.routes
    .filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD' && r.method !== 'OPTIONS')
    .map((r) => ({
      method: r.method,
      url: r.url,
      path: r.url.replace(':queue', h.config.queueName).replace(/:[a-z_]+/g, 'scope-probe'),
    }));
}

async function statusOf(method: string, path: string, token: string): Promise<number> {
  const hasBody = method === 'POST' || method === 'PUT';
  const response = await fetch(`${h.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
    },
    ...(hasBody ? { body: '{}' } : {}),
  });
  await response.arrayBuffer();
  return response.status;
}

const ENQUEUE_ROUTES = new Set([
  'POST /api/tasks',
  'POST /api/tasks/bulk',
  'POST /api/queues/:queue/tasks',
  'POST /api/queues/:queue/tasks/bulk',
]);

describe('API_TOKENS scopes, on every /api route', () => {
  it('lists the routes it checks (the enqueue routes among them)', () => {
    const names = apiRoutes().map((r) => `${r.method} ${r.url}`);
    for (const route of ENQUEUE_ROUTES) expect(names).toContain(route);
    expect(names.filter((n) => !n.startsWith('GET ')).length).toBeGreaterThan(10);
  });

  it('read: every GET passes its check, every other method is 403', async () => {
    for (const { method, path, url } of apiRoutes()) {
      const status = await statusOf(method, path, TOKENS.read);
      if (method === 'GET') expect(status, `${method} ${url}`).not.toBe(403);
      else expect(status, `${method} ${url}`).toBe(403);
    }
  });

  it('enqueue: GETs and the enqueue routes pass, everything else is 403', async () => {
    for (const { method, path, url } of apiRoutes()) {
      const status = await statusOf(method, path, TOKENS.enqueue);
      const allowed = method === 'GET' || ENQUEUE_ROUTES.has(`${method} ${url}`);
      if (allowed) expect(status, `${method} ${url}`).not.toBe(403);
      else expect(status, `${method} ${url}`).toBe(403);
    }
  });

  it('admin (no scope written): nothing is 403', async () => {
    for (const { method, path, url } of apiRoutes()) {
      expect(await statusOf(method, path, TOKENS.admin), `${method} ${url}`).not.toBe(403);
    }
  });

  it('a 403 says which scope the route needs; a wrong token is still 401', async () => {
    const refused = await fetch(`${h.url}/api/queues/${h.config.queueName}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TOKENS.enqueue}` },
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: 'forbidden',
      message: expect.stringMatching(/scope is enqueue; DELETE \/api\/queues\/:queue needs admin/),
    });
    expect(await statusOf('GET', '/api/queues', 'no-such-token')).toBe(401);
  });

  it('an enqueue token enqueues, and its holder is the execution user', async () => {
    const response = await fetch(`${h.url}/api/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.enqueue}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://127.0.0.1:9/never-run' }),
    });
    expect(response.status).toBe(202);
    const { execution_id } = (await response.json()) as { execution_id: number };
    const job = await h.queue.getJob(String(execution_id));
    expect(JSON.stringify(job?.data)).toContain('billing');
  });
});
