import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../helpers/api-harness.js';

/** A task with secrets of each kind the API must never show. */
const TASK = {
  method: 'POST',
  url: 'https://api.example.test/report?token=tok-5678&page=2',
  headers: { Authorization: 'Bearer header-secret-9012', 'X-Trace': 'plain-header' },
  urlencoded: { password: 'form-pass-3456', name: 'alice' },
};
/** URL user info and an Authorization header are refused together: the URL password goes alone. */
const URL_TASK = { url: 'https://user:url-pass-1234@api.example.test/report?page=2' };
const SECRETS = ['url-pass-1234', 'tok-5678', 'header-secret-9012', 'form-pass-3456'];

let h: ApiHarness;

beforeAll(async () => {
  // No worker: the execution stays waiting, its task as enqueued.
  h = await startApiHarness({}, { worker: false });
});

afterAll(async () => {
  await h?.close();
});

async function enqueue(path: string, task: object = TASK): Promise<string> {
  const response = await fetch(`${h.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(task),
  });
  const body = await response.text();
  expect(response.status, body).toBe(202);
  return String((JSON.parse(body) as { execution_id: number }).execution_id);
}

describe('GET /api/tasks/:id answers the task, its secrets redacted', () => {
  it('redacts the Authorization header, the URL password, the token parameter and the password field; keeps the rest', async () => {
    const ids = [await enqueue('/api/tasks'), await enqueue('/api/tasks', URL_TASK)];
    const [task, urlTask] = await Promise.all(
      ids.map(async (id) => {
        const response = await fetch(`${h.url}/api/tasks/${id}`);
        expect(response.status).toBe(200);
        const text = await response.text();
        for (const secret of SECRETS) expect(text).not.toContain(secret);
        const body = JSON.parse(text) as { state: string; task: Record<string, unknown> };
        expect(body.state).toBe('waiting');
        return body.task;
      }),
    );
    expect(task).toMatchObject({
      method: 'POST',
      headers: { Authorization: '[REDACTED]', 'X-Trace': 'plain-header' },
      urlencoded: { password: '[REDACTED]', name: 'alice' },
    });
    const url = new URL(String(task!.url));
    expect(url.host).toBe('api.example.test');
    expect(url.pathname).toBe('/report');
    expect(url.searchParams.get('token')).toBe('[REDACTED]');
    expect(url.searchParams.get('page')).toBe('2');
    const withUser = new URL(String(urlTask!.url));
    expect(withUser.host).toBe('api.example.test');
    expect(String(urlTask!.url)).toMatch(/REDACTED.*@api\.example\.test/);
    expect(withUser.searchParams.get('page')).toBe('2');
  });

  it('answers the same under /api/queues/:queue/tasks/:id', async () => {
    const queue = h.config.queueName;
    const id = await enqueue(`/api/queues/${queue}/tasks`);
    const response = await fetch(`${h.url}/api/queues/${queue}/tasks/${id}`);
    const text = await response.text();
    expect(response.status).toBe(200);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toMatchObject({
      queue,
      task: { headers: { Authorization: '[REDACTED]' }, urlencoded: { name: 'alice' } },
    });
  });
});
