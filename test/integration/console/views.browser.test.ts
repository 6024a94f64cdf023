import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveScreenshot } from '../../helpers/console-browser.js';
import { ConsoleSession } from '../../helpers/console-session.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';

const TOKEN = 'console-views-token';
/** How long a view may take to show what the API has (it reads every 5 s). */
const POLL = { timeout: 10_000 };

let session: ConsoleSession;
let target: ScriptedTarget;
const failedIds: string[] = [];
let flakyId = '';

async function enqueueAndWait(path: string): Promise<string> {
  const response = await fetch(`${session.h.url}/api/tasks?wait=20`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      url: `${target.url}${path}`,
      retry_backoff: { initial: 0.05, maximum: 0.05, multiplier: 1, deadline: 10 },
    }),
  });
  const body = (await response.json()) as { execution_id: number; state: string };
  expect(response.status).toBe(200);
  return String(body.execution_id);
}

beforeAll(async () => {
  target = await startScriptedTarget({
    routes: { '/ok': 200, '/bad': 500, '/flaky': [503, 200], '/hold': 'hold' },
  });
  session = await ConsoleSession.start({ token: TOKEN });
  flakyId = await enqueueAndWait('/flaky');
  const ok = Array.from({ length: 19 }, () => enqueueAndWait('/ok'));
  const bad = Array.from({ length: 10 }, () => enqueueAndWait('/bad'));
  await Promise.all(ok);
  failedIds.push(...(await Promise.all(bad)));
}, 60_000);

afterAll(async () => {
  await session?.close();
  await target?.close();
});

describe('the console views, against real executions', () => {
  it('Overview: each queue with its counts, and the last hour drawn from the executions', async () => {
    const page = await session.signedInPage();
    const queue = session.h.config.queueName;
    const row = page.getByRole('row', { name: new RegExp(`^${queue}\\b`) });
    await row.waitFor({ timeout: 10_000 });
    await expect.poll(() => session.column(page, 'Queues', 3), POLL).toEqual(['10']);
    expect(await session.column(page, 'Queues', 0)).toEqual([queue]);

    const chart = page.getByRole('img', { name: /completed and failed executions per minute/i });
    await chart.waitFor({ timeout: 10_000 });
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0);
    const label = 'Completed and failed executions per minute, last hour';
    const sum = async (i: number) =>
      (await session.column(page, label, i)).reduce((n, text) => n + Number(text), 0);
    expect(await sum(1)).toBe(20);
    expect(await sum(2)).toBe(10);
    await saveScreenshot(page, 'console-overview');
    await page.close();
  });

  it('Executions: the failed filter shows exactly the failed ones, and its URL shows them again', async () => {
    const page = await session.signedInPage('#/executions');
    await expect
      .poll(() => session.column(page, 'Executions', 0).then((ids) => ids.length), POLL)
      .toBe(30);
    await page.getByLabel('State').selectOption('failed', { timeout: 5000 });
    await expect
      .poll(async () => (await session.column(page, 'Executions', 0)).sort(), POLL)
      .toEqual([...failedIds].sort());
    expect(new Set(await session.column(page, 'Executions', 2))).toEqual(new Set(['failed']));
    expect(new URL(page.url()).hash).toContain('state=failed');

    // A new tab has no token yet: it signs in, and the URL still names the filtered list.
    const again = await session.signedInPage(new URL(page.url()).hash);
    await again.getByRole('heading', { name: 'Executions', level: 1 }).waitFor();
    await expect
      .poll(async () => (await session.column(again, 'Executions', 0)).sort(), POLL)
      .toEqual([...failedIds].sort());
    expect(await again.getByLabel('State').inputValue()).toBe('failed');
    await saveScreenshot(again, 'console-executions');
    // Open, the list reads again every 5 s: one more failure shows without a reload.
    const late = await enqueueAndWait('/bad');
    await expect
      .poll(async () => (await session.column(again, 'Executions', 0))[0], { timeout: 12_000 })
      .toBe(late);
    await page.close();
    await again.close();
  });

  it('Executions: Load more reads the next page', async () => {
    const page = await session.signedInPage('#/executions?limit=12');
    await expect
      .poll(async () => (await session.column(page, 'Executions', 0)).length, POLL)
      .toBe(12);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect
      .poll(async () => (await session.column(page, 'Executions', 0)).length, POLL)
      .toBe(24);
    await page.getByRole('button', { name: 'Load more' }).click();
    const all = await (
      await fetch(`${session.h.url}/api/executions?limit=100`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      })
    ).json();
    const ids = (all as { executions: { execution_id: number }[] }).executions.map((e) =>
      String(e.execution_id),
    );
    await expect.poll(() => session.column(page, 'Executions', 0), POLL).toEqual(ids);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    await page.close();
  });

  it('Execution: status code, message, its attempts in order with their times, its log', async () => {
    const page = await session.signedInPage(
      `#/executions/${session.h.config.queueName}/${flakyId}`,
    );
    await page.getByRole('heading', { name: `Execution ${flakyId}` }).waitFor({ timeout: 10_000 });
    const facts = page.locator('dl');
    await expect.poll(() => facts.innerText(), POLL).toMatch(/Status code\s+200/);
    expect(await facts.innerText()).toMatch(/Message\s+HTTP 200 OK/);

    const attempts = page.getByRole('list', { name: 'Attempts' }).getByRole('listitem');
    expect(await attempts.count()).toBe(2);
    const [first = '', second = ''] = await attempts.allInnerTexts();
    expect(first).toMatch(/^Attempt 1 \d{4}-\d\d-\d\dT[\d:.]+Z/);
    expect(first).toContain(`GET ${target.url}/flaky`);
    expect(first).toContain('HTTP 503 Service Unavailable');
    expect(first).toMatch(/retry 1 in [\d.]+ s/);
    expect(second).toMatch(/^Attempt 2 \d{4}-\d\d-\d\dT[\d:.]+Z/);
    expect(second).toContain('response HTTP 200 OK');
    const sent = await Promise.all(
      (await attempts.all()).map((a) => a.locator('time').first().getAttribute('datetime')),
    );
    expect(Date.parse(sent[0] ?? '')).toBeLessThan(Date.parse(sent[1] ?? ''));

    const runs = (await (
      await fetch(
        `${session.h.url}/api/executions/${flakyId}/runs?queue=${session.h.config.queueName}`,
        {
          headers: { authorization: `Bearer ${TOKEN}` },
        },
      )
    ).json()) as { runs: { output: { log: string[] } }[] };
    const log = runs.runs.at(-1)?.output.log ?? [];
    expect(log.length).toBeGreaterThanOrEqual(3);
    expect(await page.getByRole('region', { name: 'Log' }).locator('pre').innerText()).toBe(
      log.join('\n'),
    );
    expect(await page.getByRole('button', { name: 'Copy as curl' }).count()).toBe(1);
    await saveScreenshot(page, 'console-execution');
    await page.close();
  });

  it('Execution: Replay runs a failed one again; Cancel ends a running one', async () => {
    const failed = failedIds[0] ?? '';
    const page = await session.signedInPage(`#/executions/${session.h.config.queueName}/${failed}`);
    await page.getByRole('button', { name: 'Replay' }).click({ timeout: 10_000 });
    await expect.poll(() => page.getByRole('status').textContent(), POLL).toBe('Replay: done');
    // 10 failed at the start, one late, and the replay.
    await target.waitFor(12, { path: '/bad' });

    const response = await fetch(`${session.h.url}/api/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${target.url}/hold` }),
    });
    const { execution_id: held } = (await response.json()) as { execution_id: number };
    await target.waitFor(1, { path: '/hold' });
    await page.goto(`${session.h.url}/#/executions/${session.h.config.queueName}/${held}`);
    await expect.poll(() => page.locator('dl').innerText(), POLL).toMatch(/State\s+active/);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), POLL).toBe('Cancel: done');
    await expect
      .poll(() => page.locator('dl').innerText(), POLL)
      .toMatch(/State\s+(failed|cancelled)/);
    await page.close();
  });

  it('made every request to its own origin, with no page error and no console error', () => {
    // The browser notes each 401 as a console error: one per sign-in, and nothing else.
    session.expectOwnOriginOnly();
  });
});
