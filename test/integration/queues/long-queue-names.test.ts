import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({}, { worker: false });
});
afterAll(async () => {
  await h?.close();
});

async function call(method: string, path: string, json?: unknown): Promise<number> {
  const response = await fetch(`${h.url}${path}`, {
    method,
    ...(json === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('queue names at the longest the library and the CLI take (200 characters)', () => {
  it('every queue route reaches a queue the library made', async () => {
    const name = `${h.config.queueName}-`.padEnd(200, 'q');
    expect(name).toHaveLength(200);
    await h.api.producer.queues.set(name, { max_concurrency: 2 });
    const listed = (await (await fetch(`${h.url}/api/queues`)).json()) as { name: string }[];
    expect(listed.map((q) => q.name)).toContain(name);
    expect(await call('GET', `/api/queues/${name}`)).toBe(200);
    expect(await call('PUT', `/api/queues/${name}`, { paused: true })).toBe(200);
    expect(await call('POST', `/api/queues/${name}/tasks`, { url: 'http://127.0.0.1:9/x' })).toBe(
      202,
    );
    expect(await call('GET', `/api/queues/${name}/tasks/1`)).toBe(200);
    expect(await call('DELETE', `/api/queues/${name}?force=true`)).toBe(204);
  });

  it('a name over the limit is refused by its rule (400), not by the router (414)', async () => {
    expect(await call('GET', `/api/queues/${'q'.repeat(201)}`)).toBe(400);
  });
});
