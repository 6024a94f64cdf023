import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveScreenshot } from '../../helpers/console-browser.js';
import { ConsoleSession } from '../../helpers/console-session.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';

const TOKEN = 'console-queues-token';
/** How long a view may take to show what the API has (it reads every 5 s). */
const POLL = { timeout: 12_000 };
const COMPLETED = 6;
const FAILED = 3;

let session: ConsoleSession;
let target: ScriptedTarget;

const api = (method: string, path: string, body?: unknown) => session.api(method, path, body);

/** The queue as the API lists it. */
async function listed(name: string): Promise<Record<string, unknown> | undefined> {
  const queues = (await api('GET', '/api/queues')).body as { name: string }[];
  return queues.find((q) => q.name === name);
}

beforeAll(async () => {
  target = await startScriptedTarget({ routes: { '/ok': 200, '/bad': 500 } });
  session = await ConsoleSession.start({ token: TOKEN });
  const run = async (path: string) => {
    const answer = await api('POST', '/api/tasks?wait=20', { url: `${target.url}${path}` });
    expect(answer.status).toBe(200);
  };
  await Promise.all([
    ...Array.from({ length: COMPLETED }, () => run('/ok')),
    ...Array.from({ length: FAILED }, () => run('/bad')),
  ]);
}, 60_000);

afterAll(async () => {
  await session?.close();
  await target?.close();
});

describe('the console: Queues, Schedules and the Overview', () => {
  it('Overview: the 24 h range still counts every execution; the destination with its counts and circuit', async () => {
    const page = await session.signedInPage();
    const queue = session.h.config.queueName;
    await expect.poll(() => session.rowOf(page, 'Queues', queue), POLL).toHaveLength(9);
    await page.getByLabel('Range').selectOption('24h');
    expect(new URL(page.url()).hash).toBe('#/?range=24h');
    const label = 'Completed and failed executions per 15 minutes, last 24 hours';
    const chart = page.getByRole('img', { name: label });
    await chart.waitFor({ timeout: 10_000 });
    const sum = async (i: number) =>
      (await session.column(page, label, i)).reduce((n, text) => n + Number(text), 0);
    await expect.poll(() => sum(1), POLL).toBe(COMPLETED);
    expect(await sum(2)).toBe(FAILED);
    // queue, waiting, active, failed, paused, oldest waiting, completed, failed, p95 over the range.
    await expect
      .poll(async () => (await session.rowOf(page, 'Queues', queue)).slice(0, 8), POLL)
      .toEqual([queue, '0', '0', String(FAILED), '', '–', String(COMPLETED), String(FAILED)]);
    const queues = page.getByRole('table', { name: 'Queues' });
    expect(await queues.getByRole('columnheader', { name: 'p95, last 24 hours' }).count()).toBe(1);

    const origin = new URL(target.url).origin;
    await expect
      .poll(async () => (await session.rowOf(page, 'Destinations', origin)).slice(0, 3), POLL)
      .toEqual([origin, String(COMPLETED), String(FAILED)]);
    expect((await session.rowOf(page, 'Destinations', origin)).slice(4)).toEqual(['closed', '0']);
    const summary = page.getByRole('link', { name: 'No circuit open' });
    expect(await summary.getAttribute('href')).toBe('#/destinations');
    await page.close();
  });

  it('Queues: counts and oldest waiting; Pause holds a new task, Resume lets it complete', async () => {
    const queue = 'console-paused';
    await api('PUT', `/api/queues/${queue}`, {});
    const page = await session.signedInPage('#/queues');
    await expect
      .poll(
        async () => (await session.rowOf(page, 'Queues', session.h.config.queueName)).slice(0, 7),
        POLL,
      )
      .toEqual([session.h.config.queueName, '0', '0', '0', String(COMPLETED), String(FAILED), '–']);
    await page.getByRole('button', { name: `Pause ${queue}` }).click({ timeout: 10_000 });
    await expect.poll(() => page.getByRole('status').textContent(), POLL).toBe(`${queue} paused`);
    expect(await listed(queue)).toMatchObject({ paused: true });

    const enqueued = await api('POST', `/api/queues/${queue}/tasks`, { url: `${target.url}/ok` });
    const task = `/api/queues/${queue}/tasks/${enqueued.body.execution_id}`;
    await expect
      .poll(async () => (await session.rowOf(page, 'Queues', queue)).slice(1, 2), POLL)
      .toEqual(['1']);
    const [, , , , , , age = '', , , paused] = await session.rowOf(page, 'Queues', queue);
    expect(age).toMatch(/^\d+ s$/);
    expect(paused).toBe('paused');
    expect((await api('GET', task)).body.state).toBe('waiting');
    await saveScreenshot(page, 'console-queues');

    await page.getByRole('button', { name: `Resume ${queue}` }).click();
    await expect.poll(() => page.getByRole('status').textContent(), POLL).toBe(`${queue} resumed`);
    expect(await listed(queue)).toMatchObject({ paused: false });
    const stateOf = async (): Promise<unknown> => (await api('GET', task)).body.state;
    await expect.poll(stateOf, POLL).toBe('completed');
    await page.close();
  });

  it('Queues: limits set through the console are read back, and cleared', async () => {
    const queue = 'console-limits';
    await api('PUT', `/api/queues/${queue}`, {});
    const page = await session.signedInPage('#/queues');
    await page.getByRole('button', { name: `Set limits of ${queue}` }).click({ timeout: 10_000 });
    const form = page.getByRole('form', { name: `Limits of ${queue}` });
    await form.getByLabel('Rate limit: executions').fill('5');
    await form.getByLabel('per seconds').fill('2');
    await form.getByLabel('Max concurrency').fill('3');
    await form.getByRole('button', { name: 'Save limits' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent(), POLL)
      .toBe(`Limits of ${queue} saved`);
    expect(await listed(queue)).toMatchObject({
      rate_limit: { max: 5, per_seconds: 2 },
      max_concurrency: 3,
    });
    await expect
      .poll(async () => (await session.rowOf(page, 'Queues', queue)).slice(7, 9), POLL)
      .toEqual(['5 per 2 s', '3']);

    await page.getByRole('button', { name: `Set limits of ${queue}` }).click();
    for (const field of ['Rate limit: executions', 'per seconds', 'Max concurrency']) {
      await form.getByLabel(field).fill('');
    }
    await form.getByRole('button', { name: 'Save limits' }).click();
    await expect
      .poll(() => listed(queue), POLL)
      .toMatchObject({ rate_limit: null, max_concurrency: null });
    await page.close();
  });

  it('Queues: Remove asks first; a queue that holds executions is refused with why', async () => {
    const full = 'console-full';
    const empty = 'console-empty';
    await api('PUT', `/api/queues/${full}`, { paused: true });
    await api('POST', `/api/queues/${full}/tasks`, { url: `${target.url}/ok` });
    await api('PUT', `/api/queues/${empty}`, {});
    const page = await session.signedInPage('#/queues');
    await page.getByRole('button', { name: `Remove ${full}` }).click({ timeout: 10_000 });
    await page.getByRole('button', { name: `Confirm remove ${full}` }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent(), POLL).toContain(`Remove ${full}: queue ${full}`);
    expect(await alert.textContent()).toContain('still holds 1');
    expect(await listed(full)).toBeDefined();

    await page.getByRole('button', { name: `Remove ${empty}` }).click();
    await page.getByRole('button', { name: `Keep ${empty}` }).click();
    expect(await listed(empty)).toBeDefined();
    await page.getByRole('button', { name: `Remove ${empty}` }).click();
    await page.getByRole('button', { name: `Confirm remove ${empty}` }).click();
    await expect.poll(() => page.getByRole('status').textContent(), POLL).toBe(`${empty} removed`);
    expect(await listed(empty)).toBeUndefined();
    await expect.poll(async () => session.rowOf(page, 'Queues', empty), POLL).toEqual([]);
    await page.close();
  });

  it('Schedules: each with its next run and its last runs linked; Remove takes one away', async () => {
    const set = await api('PUT', '/api/schedules/console-hourly', {
      queue: 'console-scheduled',
      every_seconds: 3600,
      task: { url: `${target.url}/ok` },
    });
    expect(set.status).toBe(200);
    // An interval's first run is due one interval after it is set: this one runs once, soon.
    const once = await api('PUT', '/api/schedules/console-once', {
      queue: 'console-scheduled',
      every_seconds: 1,
      limit: 1,
      task: { url: `${target.url}/ok` },
    });
    expect(once.status).toBe(200);
    type Runs = { executions: { execution_id: string; state: string }[] };
    const runsOf = async () => (await api('GET', '/api/schedules/console-once')).body as Runs;
    await expect.poll(async () => (await runsOf()).executions[0]?.state, POLL).toBe('completed');
    const [run] = (await runsOf()).executions;
    const page = await session.signedInPage('#/schedules');
    await expect
      .poll(
        async () => (await session.rowOf(page, 'Schedules', 'console-hourly')).slice(0, 5),
        POLL,
      )
      .toEqual(['console-hourly', 'console-scheduled', 'every 1 h', '–', expect.any(String)]);
    // The next run the API gives now (the first run went as it was set, the next is an hour on).
    const shownNext = async () => {
      const next = (await api('GET', '/api/schedules/console-hourly')).body.next_run_at as string;
      return (await session.rowOf(page, 'Schedules', 'console-hourly'))[4] === next;
    };
    await expect.poll(shownNext, POLL).toBe(true);
    await expect
      .poll(async () => (await session.rowOf(page, 'Schedules', 'console-once')).slice(2, 5), POLL)
      .toEqual(['every 1 s', '–', 'none']);
    const onceRow = page.getByRole('row').filter({
      has: page.getByRole('rowheader', { name: 'console-once', exact: true }),
    });
    const last = onceRow.getByRole('link', { name: 'completed' });
    await last.waitFor({ timeout: 10_000 });
    expect(await last.getAttribute('href')).toBe(
      `#/executions/console-scheduled/${encodeURIComponent(run!.execution_id)}`,
    );
    await saveScreenshot(page, 'console-schedules');

    await page.getByRole('button', { name: 'Remove console-hourly' }).click();
    await page.getByRole('button', { name: 'Confirm remove console-hourly' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent(), POLL)
      .toBe('console-hourly removed');
    const schedules = (await api('GET', '/api/schedules')).body as { id: string }[];
    expect(schedules.map((s) => s.id)).not.toContain('console-hourly');
    await expect.poll(() => session.rowOf(page, 'Schedules', 'console-hourly'), POLL).toEqual([]);
    expect(await session.rowOf(page, 'Schedules', 'console-once')).not.toEqual([]);
    await page.close();
  });

  it('made every request to its own origin, with no page error and no console error', () => {
    // The browser notes each error answer as a console error: a 401 per sign-in, and the 409
    // of the refused Remove.
    session.expectOwnOriginOnly([/status of 409/]);
  });
});
