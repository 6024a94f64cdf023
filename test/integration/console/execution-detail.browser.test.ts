import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleSession } from '../../helpers/console-session.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';

const TOKEN = 'console-execution-detail-token';
/** The task's credential: it must be nowhere in the page. */
const SECRET = 'task-secret-bearer-4711';
/** How long a view may take to show what the API has (it reads every 5 s). */
const POLL = { timeout: 10_000 };

let session: ConsoleSession;
let target: ScriptedTarget;

/** Enqueues `task` (with `?query`) and waits for it to end; its execution id. */
async function enqueueAndWait(task: object, query = ''): Promise<string> {
  const response = await fetch(`${session.h.url}/api/tasks?wait=20${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(task),
  });
  const body = (await response.json()) as { execution_id: number; state: string };
  expect(response.status).toBe(200);
  expect(body.state).toBe('completed');
  return String(body.execution_id);
}

beforeAll(async () => {
  target = await startScriptedTarget({
    routes: {
      '/json': { body: { joke: { id: 7, text: 'Chuck Norris counted to infinity.' } } },
      '/hook': 204,
    },
  });
  session = await ConsoleSession.start({ token: TOKEN });
}, 60_000);

afterAll(async () => {
  await session?.close();
  await target?.close();
});

describe('the console: one execution in detail', () => {
  it('Execution: the response headers, the JSON pretty-printed, the task with its secret redacted', async () => {
    const id = await enqueueAndWait({
      url: `${target.url}/json`,
      headers: { Authorization: `Bearer ${SECRET}`, 'X-Plain': 'shown' },
    });
    const page = await session.signedInPage(`#/executions/${session.h.config.queueName}/${id}`);
    await page.getByRole('heading', { name: `Execution ${id}` }).waitFor({ timeout: 10_000 });

    const headers = page.getByRole('table', { name: 'Response headers' });
    await expect
      .poll(() => headers.locator('tbody tr > :first-child').allInnerTexts(), POLL)
      .toContain('content-type');
    expect(await headers.innerText()).toMatch(/content-type\s+application\/json/);

    const response = page.getByRole('region', { name: 'Response' });
    const body = await response.locator('pre').innerText();
    // Pretty-printed: one key a line, indented.
    expect(body.split('\n').length).toBeGreaterThan(3);
    expect(body).toContain('\n  "joke": {\n    "id": 7,');

    const task = await page.getByRole('region', { name: 'Task' }).locator('pre').innerText();
    expect(JSON.parse(task)).toEqual({
      url: `${target.url}/json`,
      headers: { Authorization: '[REDACTED]', 'X-Plain': 'shown' },
    });
    expect(await page.content()).not.toContain(SECRET);
    await page.close();
  });

  it('Execution: the Callback link opens the execution that delivered the callback', async () => {
    const callback = encodeURIComponent(`${target.url}/hook`);
    const id = await enqueueAndWait({ url: `${target.url}/json` }, `&callback=${callback}`);
    await target.waitFor(1, { path: '/hook' });
    const page = await session.signedInPage(`#/executions/${session.h.config.queueName}/${id}`);
    const link = page.getByRole('link', { name: `callback!${id}` });
    await link.waitFor({ timeout: 10_000 });
    expect(await page.locator('dl').innerText()).toMatch(/Callback\s+callback!/);
    await link.click();
    await page
      .getByRole('heading', { name: `Execution callback!${id}` })
      .waitFor({ timeout: 10_000 });
    expect(page.url()).toContain(
      `#/executions/${session.h.config.queueName}/${encodeURIComponent(`callback!${id}`)}`,
    );
    // The callback's own request: a POST to the receiver, answered 204.
    await expect.poll(() => page.locator('dl').innerText(), POLL).toMatch(/Status code\s+204/);
    const attempts = page.getByRole('list', { name: 'Attempts' });
    expect(await attempts.innerText()).toContain(`POST ${target.url}/hook`);
    await page.close();
  });

  it('made every request to its own origin, with no page error and no console error', () => {
    session.expectOwnOriginOnly();
  });
});
