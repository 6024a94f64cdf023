import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleSession } from '../../helpers/console-session.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';

/** A phone's viewport (a common 6.1" phone, in CSS pixels). */
const PHONE = { width: 390, height: 844 };
const POLL = { timeout: 12_000 };

let session: ConsoleSession;
let target: ScriptedTarget;
let executionId = '';

const api = (method: string, path: string, body?: unknown) => session.api(method, path, body);

/** Every view of the console, by the hash that opens it and the heading it shows. */
function views(): [hash: string, heading: string][] {
  const queue = session.h.config.queueName;
  return [
    ['#/', 'Overview'],
    ['#/executions', 'Executions'],
    [`#/executions/${queue}/${executionId}`, `Execution ${executionId}`],
    ['#/queues', 'Queues'],
    ['#/destinations', 'Destinations'],
    ['#/flow-keys', 'Flow keys'],
    ['#/schedules', 'Schedules'],
    ['#/alerts', 'Alerts'],
  ];
}

/** Opens a view fresh and waits until what it reads has arrived. */
async function open(page: Page, hash: string, heading: string): Promise<void> {
  await page.goto(`${session.h.url}/${hash}`);
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor({ timeout: 10_000 });
  await page.waitForLoadState('networkidle');
}

/** How far the page scrolls sideways: 0 when everything fits the viewport's width. */
async function sidewaysOverflow(page: Page): Promise<number> {
  // A string, run in the page: the tests' own types have no DOM.
  const script = 'document.documentElement.scrollWidth - document.documentElement.clientWidth';
  return Number(await page.evaluate(script));
}

beforeAll(async () => {
  target = await startScriptedTarget({ routes: { '/ok': 200, '/bad': 500 } });
  // On loopback without API_TOKENS the console opens directly.
  session = await ConsoleSession.start({ viewport: PHONE });
  for (const path of ['/ok', '/bad']) {
    const { body } = await api('POST', '/api/tasks?wait=20', {
      url: `${target.url}${path}?a=long-query-value-that-does-not-fit-a-phone`,
      retry_status_code: [],
    });
    executionId = String((body as { execution_id: number }).execution_id);
  }
  await api('PUT', '/api/schedules/layout-every-hour', {
    task: { url: `${target.url}/ok` },
    every_seconds: 3600,
  });
  await api('PUT', `/api/flow-keys/layout-tenant`, { max_concurrency: 2 });
}, 60_000);

afterAll(async () => {
  await api('DELETE', '/api/schedules/layout-every-hour');
  await api('DELETE', '/api/flow-keys/layout-tenant');
  await session?.close();
  await target?.close();
});

describe('the console at a phone width and with the keyboard', () => {
  it('every view fits a 390 px wide screen: the page never scrolls sideways, its navigation shows', async () => {
    const page = await session.context.newPage();
    for (const [hash, heading] of views()) {
      await open(page, hash, heading);
      expect({ hash, overflow: await sidewaysOverflow(page) }).toEqual({ hash, overflow: 0 });
      const nav = page.getByRole('navigation', { name: 'Console' });
      for (const link of await nav.getByRole('link').all()) {
        expect(await link.isVisible()).toBe(true);
        const box = await link.boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
      }
    }
    await page.close();
  });

  it('is used with the keyboard: Tab walks the navigation in order, Enter opens a view, a row action runs', async () => {
    const page = await session.context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await open(page, '#/', 'Overview');
    const names: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      await page.keyboard.press('Tab');
      names.push((await page.locator(':focus').innerText()).trim());
    }
    expect(names).toEqual([
      'Overview',
      'Executions',
      'Queues',
      'Destinations',
      'Flow keys',
      'Schedules',
      expect.stringMatching(/^Alerts/),
    ]);
    // Back to Queues (Shift+Tab four times from Alerts) and open it with Enter.
    for (let i = 0; i < 4; i += 1) await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Queues', level: 1 }).waitFor({ timeout: 10_000 });
    expect(new URL(page.url()).hash).toBe('#/queues');

    const queue = session.h.config.queueName;
    const pausedNow = async () => {
      const { body } = await api('GET', '/api/queues');
      return (body as { name: string; paused: boolean }[]).find((q) => q.name === queue)?.paused;
    };
    for (const [button, key, paused] of [
      ['Pause', 'Enter', true],
      ['Resume', 'Space', false],
    ] as const) {
      const control = page.getByRole('button', { name: `${button} ${queue}` });
      await control.waitFor({ timeout: 10_000 });
      await control.focus();
      await page.keyboard.press(key);
      await expect.poll(pausedNow, POLL).toBe(paused);
    }
    await page.close();
  });

  it('made every request to its own origin, with no page error and no console error', () => {
    // Nothing signs in here: no 401, so no console error at all.
    session.expectOwnOriginOnly();
  });
});
