import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveScreenshot } from '../../helpers/console-browser.js';
import { ConsoleSession } from '../../helpers/console-session.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';

const TOKEN = 'console-actions-token';
/** How long a view may take to show what the API has (it reads every 5 s). */
const POLL = { timeout: 15_000 };
/** The executions that fail and are replayed in bulk. */
const BULK = 10;

let session: ConsoleSession;
let target: ScriptedTarget;

async function api(path: string, init: { method?: string; body?: unknown } = {}): Promise<unknown> {
  const response = await fetch(`${session.h.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  expect(response.ok).toBe(true);
  return response.json();
}

/** Enqueues a task to the target's `path`; with `wait`, resolves once it ended (in that state). */
async function enqueue(path: string, { wait = true } = {}): Promise<string> {
  // No retries: a 500 is not retried anyway, and a failure ends at once.
  const body = { url: `${target.url}${path}`, retry_backoff: { deadline: 0 } };
  const answer = (await api(`/api/tasks${wait ? '?wait=20' : ''}`, { method: 'POST', body })) as {
    execution_id: number;
    state: string;
  };
  if (wait) expect(['completed', 'failed']).toContain(answer.state);
  return String(answer.execution_id);
}

/** How many executions the API lists for `query` (one page is enough here). */
async function listed(query: string): Promise<number> {
  const page = (await api(`/api/executions?limit=500&${query}`)) as { executions: unknown[] };
  return page.executions.length;
}

beforeAll(async () => {
  target = await startScriptedTarget({
    routes: {
      '/hold': 'hold',
      '/once': [500, 200],
      // The first BULK requests fail; their replays succeed.
      '/bulk': [...Array.from({ length: BULK }, () => 500), 200],
      '/bulk-ok': 200,
      '/other': 500,
    },
  });
  session = await ConsoleSession.start({ token: TOKEN });
  // Failed ones the bulk's filter (q=/bulk) selects; completed ones it matches but for
  // their state; and a failed one of another URL that it leaves alone.
  await Promise.all([
    ...Array.from({ length: BULK }, () => enqueue('/bulk')),
    ...Array.from({ length: 3 }, () => enqueue('/bulk-ok')),
    enqueue('/other'),
  ]);
}, 60_000);

afterAll(async () => {
  await session?.close();
  await target?.close();
});

describe('the console acts on executions, as the target sees it', () => {
  it('Cancel from the console closes a running request at the target within 2 s', async () => {
    const id = await enqueue('/hold', { wait: false });
    const [arrival] = await target.waitFor(1, { path: '/hold' });
    const page = await session.signedInPage(`#/executions/${session.h.config.queueName}/${id}`);
    await expect.poll(() => page.locator('dl').innerText(), POLL).toMatch(/State\s+active/);

    const cancel = page.getByRole('button', { name: 'Cancel' });
    await cancel.waitFor();
    const clickedAt = performance.now();
    await cancel.click();
    const closedAt = await arrival!.closed;
    expect(closedAt - clickedAt).toBeLessThan(2000);

    await expect.poll(() => page.getByRole('status').textContent(), POLL).toBe('Cancel: done');
    await expect
      .poll(() => page.locator('dl').innerText(), POLL)
      .toMatch(/State\s+(failed|cancelled)/);
    expect(target.arrivalsOf({ path: '/hold' })).toHaveLength(1);
    await page.close();
  });

  it('Replay from the console sends the request again and the execution completes', async () => {
    const id = await enqueue('/once');
    const page = await session.signedInPage(`#/executions/${session.h.config.queueName}/${id}`);
    await expect.poll(() => page.locator('dl').innerText(), POLL).toMatch(/State\s+failed/);
    await page.getByRole('button', { name: 'Replay' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), POLL).toBe('Replay: done');
    const [first, second] = await target.waitFor(2, { path: '/once' });
    expect(second!.index).toBeGreaterThan(first!.index);
    await expect.poll(() => page.locator('dl').innerText(), POLL).toMatch(/State\s+completed/);
    await page.close();
  });

  it(`A bulk replay of ${BULK} failed executions sends ${BULK} requests`, async () => {
    expect(target.arrivalsOf({ path: '/bulk' })).toHaveLength(BULK);
    const page = await session.signedInPage('#/executions?state=failed&q=%2Fbulk');
    const rows = page.getByRole('table', { name: 'Executions' }).locator('tbody tr');
    await expect.poll(() => rows.count(), POLL).toBe(BULK);
    const panel = page.getByRole('region', { name: 'Bulk replay' });
    const status = panel.getByRole('status');

    // From the keyboard: the focus moves to the button to press next.
    await panel.getByRole('button', { name: 'Replay failed…' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => status.textContent(), POLL).toBe(`${BULK} failed executions match`);
    const focused = () => page.evaluate('document.activeElement?.textContent');
    await expect.poll(focused, POLL).toBe('Confirm');
    expect(await panel.getByRole('button', { name: 'Cancel' }).count()).toBe(1);
    await saveScreenshot(page, 'console-bulk-replay');
    // Nothing was sent by counting.
    expect(target.arrivalsOf({ path: '/bulk' })).toHaveLength(BULK);

    await page.keyboard.press('Enter');
    await expect.poll(() => status.textContent(), POLL).toBe(`Replayed ${BULK} of ${BULK}`);
    await target.waitFor(2 * BULK, { path: '/bulk' });
    // Settled: every replay has completed (the target answers them 200), and none ran twice.
    await expect.poll(() => listed('state=completed&q=%2Fbulk'), POLL).toBe(BULK + 3);
    expect(await listed('state=failed&q=%2Fbulk')).toBe(0);
    expect(target.arrivalsOf({ path: '/bulk' })).toHaveLength(2 * BULK);
    // The failure the filter left out was not replayed.
    expect(target.arrivalsOf({ path: '/other' })).toHaveLength(1);
    expect(await listed('state=failed&q=%2Fother')).toBe(1);
    await expect.poll(() => rows.count(), POLL).toBe(0);
    await page.close();
  });

  it('made every request to its own origin, with no page error and no console error', () => {
    // The browser notes each 401 as a console error: one per sign-in, and nothing else.
    session.expectOwnOriginOnly();
  });
});
