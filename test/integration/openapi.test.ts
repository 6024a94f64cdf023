/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument --
   The OpenAPI document is untyped JSON; the expectations check its shape. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  destinationSettingsJsonSchema,
  flowKeySettingsJsonSchema,
} from '../../shared/destinations/destination-settings.js';
import { taskJsonSchema } from '../../shared/task-schema.js';
import { startApiHarness, type ApiHarness } from '../helpers/api-harness.js';
import type { ScriptedTarget } from '../helpers/scripted-target.js';
import { startTargetServer } from '../helpers/target-server.js';

const TOKEN = 'openapi-test-token';

/**
 * Routes the document leaves out on purpose, each with its reason: they are
 * pages and their internals, not the API.
 */
const UNDOCUMENTED: { prefix: string; why: string }[] = [
  { prefix: '/dashboard', why: "bull-board's page, assets and its own JSON API" },
  { prefix: '/api/docs', why: 'the Swagger UI page, its assets and its copies of the document' },
  { prefix: '/assets', why: "the console's built scripts and styles" },
];

/** The document's name for a fastify route URL: `:id` → `{id}`; the files wildcard is `{name}`. */
function documentedPath(url: string): string {
  return url.replace(/^\/api\/files\/\*$/, '/api/files/{name}').replace(/:(\w+)/g, '{$1}');
}

let h: ApiHarness;
let target: ScriptedTarget;
let document: any;

/** A GET whose body is read in full: an unread body would hold its connection, and close(), open. */
async function get(
  path: string,
  token: string | null = TOKEN,
): Promise<{ status: number; headers: Headers; text: string; json(): unknown }> {
  const response = await fetch(`${h.url}${path}`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: () => JSON.parse(text) as unknown,
  };
}

beforeAll(async () => {
  target = await startTargetServer();
  h = await startApiHarness({ API_TOKENS: TOKEN });
  document = (await get('/api/openapi.json')).json();
});

afterAll(async () => {
  await h?.close();
  await target?.close();
});

describe('the OpenAPI document, generated from the route schemas', () => {
  it('documents every registered route, and every documented route exists', () => {
    const registered = h.api.routes;
    // The control: the list holds the routes known to exist, exclusions included.
    expect(registered).toEqual(
      expect.arrayContaining([
        { method: 'POST', url: '/api/tasks' },
        { method: 'DELETE', url: '/api/tasks/:id' },
        { method: 'PUT', url: '/api/files/*' },
        { method: 'GET', url: '/metrics' },
        { method: 'GET', url: '/dashboard/api/queues' },
        { method: 'GET', url: '/api/docs' },
      ]),
    );
    const served = new Set<string>();
    for (const { method, url } of registered) {
      // `GET /`: the console's page (docs/console.md), not the API.
      if (url === '/') continue;
      if (UNDOCUMENTED.some(({ prefix }) => url === prefix || url.startsWith(`${prefix}/`))) {
        continue;
      }
      // fastify answers HEAD for every GET by itself (exposeHeadRoutes).
      if (method === 'HEAD') {
        expect(registered, `HEAD ${url} without GET`).toContainEqual({ method: 'GET', url });
        continue;
      }
      served.add(`${method} ${documentedPath(url)}`);
    }
    const documented = new Set<string>();
    for (const [path, item] of Object.entries<Record<string, unknown>>(document.paths)) {
      for (const method of Object.keys(item)) {
        if (method !== 'parameters') documented.add(`${method.toUpperCase()} ${path}`);
      }
    }
    expect([...served].sort()).toEqual([...documented].sort());
    expect(served.size).toBeGreaterThanOrEqual(10);
  });

  it('every operation has a summary, tags and its responses; the open ones need no token', () => {
    for (const [path, item] of Object.entries<any>(document.paths)) {
      for (const [method, operation] of Object.entries<any>(item)) {
        const where = `${method} ${path}`;
        expect(operation.summary, where).toEqual(expect.any(String));
        expect(operation.tags, where).toHaveLength(1);
        const statuses = Object.keys(operation.responses);
        expect(
          statuses.some((status) => status.startsWith('2')),
          where,
        ).toBe(true);
        if (path.startsWith('/api/') && path !== '/api/openapi.json') {
          expect(operation.security, where).toBeUndefined();
          expect(statuses, where).toContain('401');
        } else {
          expect(operation.security, where).toEqual([]);
        }
      }
    }
    expect(document.security).toEqual([{ bearer: [] }]);
    expect(document.components.securitySchemes.bearer).toMatchObject({ scheme: 'bearer' });
  });

  it('the task schema is the zod one, once, as a component the bodies point at', () => {
    const { $schema: _dialect, ...task } = taskJsonSchema();
    expect(document.components.schemas.Task).toEqual(task);
    const enqueue = document.paths['/api/tasks'].post;
    expect(enqueue.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Task',
    });
    const bulk = document.paths['/api/tasks/bulk'].post;
    // A bare task, or an item whose `task` is one, with its own enqueue options.
    const [bare, item] = bulk.requestBody.content['application/json'].schema.items.oneOf;
    expect(bare).toEqual({ $ref: '#/components/schemas/Task' });
    expect(item.properties.task).toEqual({ $ref: '#/components/schemas/Task' });
    expect(Object.keys(item.properties)).toEqual(
      expect.arrayContaining(['delay', 'run_at', 'priority', 'idempotency_key']),
    );
    // Written once: the properties of a task appear nowhere else in the document.
    const text = JSON.stringify(document);
    expect(text.split('"retry_backoff"').length - 1).toBe(1);
    expect(enqueue.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'query', name: 'wait' }),
        expect.objectContaining({ in: 'query', name: 'delay' }),
        expect.objectContaining({ in: 'query', name: 'run_at' }),
        expect.objectContaining({ in: 'query', name: 'priority' }),
        expect.objectContaining({ in: 'header', name: 'Idempotency-Key' }),
      ]),
    );
    expect(document.paths['/api/tasks/{id}/retry'].post.responses).toHaveProperty('409');
    expect(document.paths['/api/queues/{queue}/retry'].post.requestBody).toBeDefined();
    expect(document.paths['/api/files/{name}'].put.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'path', name: 'name', required: true }),
        expect.objectContaining({ in: 'query', name: 'allow_empty' }),
      ]),
    );
  });

  it('the destination and flow key settings are their zod schemas, the PUT bodies point at them', () => {
    const { $schema: _d, ...destination } = destinationSettingsJsonSchema();
    const { $schema: _f, ...flowKey } = flowKeySettingsJsonSchema();
    expect(document.components.schemas.DestinationSettings).toEqual(destination);
    expect(document.components.schemas.FlowKeySettings).toEqual(flowKey);
    const put = (path: string): unknown =>
      document.paths[path].put.requestBody.content['application/json'].schema;
    expect(put('/api/destinations/{origin}')).toEqual({
      $ref: '#/components/schemas/DestinationSettings',
    });
    expect(put('/api/flow-keys/{key}')).toEqual({ $ref: '#/components/schemas/FlowKeySettings' });
    const listed = document.paths['/api/destinations'].get.responses['200'];
    expect(listed.content['application/json'].schema.items).toEqual({
      $ref: '#/components/schemas/Destination',
    });
  });

  it('route schemas only document: replies keep every field the producer gives', async () => {
    const response = await fetch(`${h.url}/api/tasks?wait=20`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${target.url}/jokes/random` }),
    });
    expect(response.status).toBe(200);
    const waited: any = await response.json();
    const execution = await h.api.producer.getExecution(waited.execution_id);
    // More keys than the Execution schema names, and all of them kept.
    expect(Object.keys(execution?.output ?? {}).length).toBeGreaterThan(5);
    expect(waited).toEqual(JSON.parse(JSON.stringify(execution)));
    const read = (await get(`/api/tasks/${waited.execution_id}`)).json();
    // GET adds the task (redacted), which the route schema names too.
    expect(read).toEqual({ ...waited, task: { url: `${target.url}/jokes/random` } });

    // And validation is the API's own: every bad field named, not the first one ajv meets.
    const invalid = await fetch(`${h.url}/api/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 5, method: 'FETCH', max_redirects: -1 }),
    });
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as { error: string; issues: { path: string }[] };
    expect(body.error).toBe('invalid task');
    expect(body.issues.map((issue) => issue.path).sort()).toEqual([
      'max_redirects',
      'method',
      'url',
    ]);
  });

  it('/api/openapi.json and the /api/docs page are open, with API_TOKENS set, and serve their own assets', async () => {
    for (const path of ['/api/openapi.json', '/api/docs', '/api/docs/', '/api/docs/json']) {
      const response = await get(path, null);
      expect(response.status, `${path} without a token`).not.toBe(401);
      expect(response.status, `${path} without a token`).toBeLessThan(400);
    }
    // The page's Authorize button takes the token: the document says how, and the routes need it.
    expect(document.components.securitySchemes.bearer).toMatchObject({ scheme: 'bearer' });
    expect(document.security).toEqual([{ bearer: [] }]);
    expect((await get('/api/queues', null)).status).toBe(401);
    const page = await get('/api/docs/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = page.text;
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset, 'a relative URL, served here').not.toMatch(/^(?:[a-z]+:)?\/\//i);
      const url = new URL(asset, `${h.url}/api/docs/`);
      expect(url.origin).toBe(h.url);
      expect((await get(url.pathname, null)).status, `${url.pathname} without token`).toBe(200);
    }
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toMatch(/https:|validator\.swagger\.io|upgrade-insecure-requests/);
    // The page's copy of the document is the same document.
    expect((await get('/api/docs/json')).json()).toEqual(document);
  });
});
