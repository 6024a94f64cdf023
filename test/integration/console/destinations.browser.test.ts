import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destinationOf } from '../../../shared/destination-origin.js';
import { ALERT_PATH, alertSecret, eventOf, verifiedEvent } from '../../helpers/alert-kit.js';
import { startApiHarness } from '../../helpers/api-harness.js';
import { foreignRequests, saveScreenshot } from '../../helpers/console-browser.js';
import { cellsOf, ConsoleSession, DESKTOP } from '../../helpers/console-session.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';

const TOKEN = 'console-destinations-token';
/** How long a view may take to show what the API has (it reads every 5 s). */
const POLL = { timeout: 15_000 };
const FLOW_KEY = 'tenant-42';

let session: ConsoleSession;
/** The destination: 503 until `healthy`. */
let target: ScriptedTarget;
let healthy = false;
/** Where alerts are POSTed. */
let receiver: ScriptedTarget;
/** A second destination, always 200, for the flow key's task. */
let other: ScriptedTarget;
const secret = alertSecret();
let origin = '';
const ids: string[] = [];

const api = (method: string, path: string, body?: unknown) => session.api(method, path, body);
const destinationPath = () => `/api/destinations/${encodeURIComponent(origin)}`;
/** One field of what `GET path` answers (undefined while it answers no body). */
const fieldOf = async (path: string, field: string): Promise<unknown> =>
  ((await api('GET', path)).body as Record<string, unknown> | undefined)?.[field];

beforeAll(async () => {
  target = await startScriptedTarget({ reply: () => (healthy ? 200 : 503) });
  receiver = await startScriptedTarget({ reply: 204 });
  other = await startScriptedTarget({ reply: 200 });
  origin = destinationOf(new URL(target.url));
  session = await ConsoleSession.start({
    token: TOKEN,
    env: {
      TASKREST_CIRCUIT_FAILURES: '3',
      // Long enough that no probe closes it: only the console's Close does.
      TASKREST_CIRCUIT_COOLDOWN_SECONDS: '600',
      TASKREST_ALERT_URL: `${receiver.url}${ALERT_PATH}`,
      TASKREST_CALLBACK_SECRETS: secret.text,
      TASKREST_ALERT_CHECK_SECONDS: '1',
    },
  });
}, 60_000);

afterAll(async () => {
  await session?.close();
  await target?.close();
  await receiver?.close();
  await other?.close();
});

describe('the console: destinations, flow keys and alerts', () => {
  it('Destinations view shows an open circuit after its failures, and Close closes it', async () => {
    for (let i = 0; i < 2; i += 1) {
      const enqueued = await api('POST', '/api/tasks', {
        url: `${target.url}/down/${i}`,
        // Its deadline past the cool-down: held, not failed, until Close.
        retry_backoff: { initial: 0.05, maximum: 0.05, multiplier: 1, deadline: 1200 },
      });
      expect(enqueued.status).toBe(202);
      ids.push(String(enqueued.body.execution_id));
    }
    // Real attempts fail until the gate opens the circuit.
    await expect.poll(() => fieldOf(destinationPath(), 'circuit'), POLL).toBe('open');
    await target.waitFor(3);

    const page = await session.signedInPage('#/destinations');
    const row = session.rowIn(page, 'Destinations', origin);
    await expect.poll(async () => (await cellsOf(row))[1], POLL).toMatch(/^open until \d{4}-/);
    const [, , failures, , , , , , , , lastError] = await cellsOf(row);
    expect(Number(failures)).toBeGreaterThanOrEqual(3);
    expect(lastError).toContain('503');
    await saveScreenshot(page, 'console-destinations');

    // While open: the alert is listed, and the navigation counts it.
    await receiver.waitFor(1, { path: ALERT_PATH, where: eventOf('alert.started', origin) });
    const nav = page.getByRole('navigation', { name: 'Console' });
    await expect.poll(() => nav.getByRole('link', { name: 'Alerts (1)' }).count(), POLL).toBe(1);
    await nav.getByRole('link', { name: 'Alerts (1)' }).click();
    const alert = session.rowIn(page, 'Alerts', 'circuit open');
    await expect.poll(async () => (await cellsOf(alert))[1], POLL).toBe(origin);
    expect((await cellsOf(alert))[3]).toMatch(/circuit\s+open/);
    await saveScreenshot(page, 'console-alerts');

    // The destination is back: Close lets the held executions go now, not in 600 s.
    healthy = true;
    const before = target.arrivals.length;
    await nav.getByRole('link', { name: 'Destinations' }).click();
    await row.getByRole('button', { name: 'Close circuit' }).click({ timeout: 10_000 });
    await expect
      .poll(() => page.getByRole('status').textContent(), POLL)
      .toBe(`Close circuit ${origin}: done`);
    await expect.poll(async () => (await cellsOf(row))[1], POLL).toBe('closed');
    expect(await row.getByRole('button', { name: 'Close circuit' }).count()).toBe(0);
    expect((await api('GET', destinationPath())).body.circuit).toBe('closed');
    await target.waitFor(before + 1);
    for (const id of ids) {
      await expect.poll(() => fieldOf(`/api/tasks/${id}`, 'state'), POLL).toBe('completed');
    }
    await page.close();
  }, 90_000);

  it('An alert is POSTed, signed, when a circuit opens, and a resolution when it closes', async () => {
    const [ended] = await receiver.waitFor(1, {
      path: ALERT_PATH,
      where: eventOf('alert.ended', origin),
    });
    const started = receiver.arrivalsOf({
      path: ALERT_PATH,
      where: eventOf('alert.started', origin),
    });
    expect(started).toHaveLength(1);
    const opened = verifiedEvent(started[0]!, secret.bytes);
    expect(opened.alert).toMatchObject({ kind: 'circuit_open', subject: origin });
    expect(opened.alert.details).toMatchObject({ circuit: 'open' });
    expect(Number(opened.alert.details.consecutive_failures)).toBeGreaterThanOrEqual(3);
    const closed = verifiedEvent(ended!, secret.bytes);
    expect(closed.alert).toMatchObject({ id: opened.alert.id, kind: 'circuit_open' });
    expect(receiver.arrivalsOf({ path: ALERT_PATH })).toHaveLength(2);

    // Closed: nothing open, and the navigation says no number.
    const page = await session.signedInPage('#/alerts');
    await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    await page.getByText('No open alerts.').waitFor({ timeout: POLL.timeout });
    const nav = page.getByRole('navigation', { name: 'Console' });
    expect(await nav.getByRole('link', { name: 'Alerts', exact: true }).count()).toBe(1);
    await page.close();
  });

  it('Flow keys: limits and a pause set in the console read back through the API; Resume', async () => {
    const ran = await fetch(`${session.h.url}/api/tasks?wait=20&flow_key=${FLOW_KEY}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${other.url}/ok` }),
    });
    expect(((await ran.json()) as { state: string }).state).toBe('completed');
    const path = `/api/flow-keys/${FLOW_KEY}`;

    const page = await session.signedInPage('#/flow-keys');
    const row = session.rowIn(page, 'Flow keys', FLOW_KEY);
    await row.getByRole('button', { name: 'Set limits' }).click({ timeout: POLL.timeout });
    const form = page.getByRole('form', { name: `Limits of ${FLOW_KEY}` });
    await form.getByLabel('Rate limit: requests').fill('10');
    await form.getByLabel('per seconds').fill('2');
    await form.getByLabel('Max concurrency').fill('3');
    await form.getByRole('button', { name: 'Save limits' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent(), POLL)
      .toBe(`Set limits ${FLOW_KEY}: done`);
    expect(await form.count()).toBe(0);
    await row.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(async () => (await cellsOf(row))[3], POLL).toBe('paused');
    expect(await cellsOf(row)).toEqual([
      FLOW_KEY,
      '10 per 2 s',
      '3',
      'paused',
      '0',
      '0',
      expect.any(String),
    ]);
    expect((await api('GET', path)).body).toMatchObject({
      flow_key: FLOW_KEY,
      rate_limit: { max: 10, per_seconds: 2 },
      max_concurrency: 3,
      paused: true,
    });
    await saveScreenshot(page, 'console-flow-keys');

    // Clearing a field removes its limit; Resume un-pauses.
    await row.getByRole('button', { name: 'Set limits' }).click();
    await form.getByLabel('Max concurrency').fill('');
    await form.getByLabel('Max concurrency').press('Enter');
    await expect.poll(async () => (await cellsOf(row))[2], POLL).toBe('–');
    await row.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(async () => (await cellsOf(row))[3], POLL).toBe('');
    expect((await api('GET', path)).body).toMatchObject({
      rate_limit: { max: 10, per_seconds: 2 },
      max_concurrency: null,
      paused: false,
    });

    // Reset asks once more before it removes the settings.
    await row.getByRole('button', { name: 'Reset' }).click();
    expect((await api('GET', path)).body.rate_limit).not.toBeNull();
    await row.getByRole('button', { name: 'Confirm reset' }).click();
    await expect.poll(() => fieldOf(path, 'rate_limit'), POLL).toBeNull();
    await page.close();
  });

  it('Alerts: an API without TASKREST_ALERT_URL says alerts are not configured', async () => {
    const bare = await startApiHarness({ API_TOKENS: TOKEN }, { worker: false });
    const { context: own, watch: ownWatch } = await session.openContext(bare.url, {
      viewport: DESKTOP,
    });
    try {
      const page = await own.newPage();
      await page.goto(`${bare.url}/#/alerts`);
      await page.getByLabel('API token').fill(TOKEN);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('Alerts are not configured').waitFor({ timeout: POLL.timeout });
      expect(await page.getByRole('table', { name: 'Alerts' }).count()).toBe(0);
      expect(foreignRequests(ownWatch, bare.url)).toEqual([]);
      expect(ownWatch.pageErrors).toEqual([]);
    } finally {
      await own.close();
      await bare.close();
    }
  });

  it('made every request to its own origin, with no page error and no console error', () => {
    // The browser notes each 401 as a console error: one per sign-in, and nothing else.
    session.expectOwnOriginOnly();
  });
});
