import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../helpers/api-harness.js';

/** `{"url": …, "json": [[[…]]]}` with `depth` nested arrays, as raw JSON text. */
function deepTask(depth: number): string {
  return `{"url":"http://127.0.0.1:9/","json":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

describe('a task body nested deeper than any target needs', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness({}, { worker: false });
  });
  afterAll(() => h?.close());

  const post = (path: string, body: string) =>
    fetch(`${h.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });

  it.each([4_500, 100_000])(
    'is a 400 naming the field at %i levels, never a 500; nothing stored',
    async (depth) => {
      const response = await post('/api/tasks', deepTask(depth));
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: 'invalid task',
        issues: [
          { path: 'json', message: expect.stringMatching(/^nested deeper than \d+ levels$/) },
        ],
      });
      const bulk = await post('/api/tasks/bulk', `[${deepTask(depth)}]`);
      expect(bulk.status).toBe(400);
      expect(await bulk.json()).toMatchObject({ issues: [{ path: '0.json' }] });
      // The harness's queue is new: a stored task would be execution 1.
      expect((await fetch(`${h.url}/api/tasks/1`)).status).toBe(404);
    },
  );
});
