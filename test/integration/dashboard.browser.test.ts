import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../helpers/console-browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../helpers/api-harness.js';
import type { ScriptedTarget } from '../helpers/scripted-target.js';
import { startTargetServer } from '../helpers/target-server.js';
import { CONNECTOR_OUTPUT_ORDER } from '../helpers/seed-output-keys.js';

const ARTIFACT = join(import.meta.dirname, '../../test-artifacts/dashboard.png');
const DOCS_ARTIFACT = join(import.meta.dirname, '../../test-artifacts/api-docs.png');

const TOKEN = 'api-token-for-dashboard-test';
const CREDENTIALS = { username: 'operator', password: 'dashboard-secret-pw' };
/** What the tasks send; none of it may appear anywhere on the dashboard. */
const SECRETS = {
  authorization: 'Bearer SECRET-AUTH-7f3a91',
  cookie: 'SECRET-COOKIE-c0ffee',
  apiKey: 'SECRET-APIKEY-5e5e5e',
  param: 'SECRET-PARAM-1d1d1d',
};

let h: ApiHarness;
let target: ScriptedTarget;
let browser: Browser;
const ids: { completed?: number; failed?: number } = {};

function task(path: string) {
  return {
    url: `${target.url}${path}`,
    headers: { Authorization: SECRETS.authorization, 'X-Api-Key': SECRETS.apiKey },
    cookies: { session: SECRETS.cookie },
    params: { api_key: SECRETS.param },
  };
}

async function enqueueAndWait(path: string): Promise<number> {
  const response = await fetch(`${h.url}/api/tasks?wait=20`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(task(path)),
  });
  const body = (await response.json()) as { execution_id: number; state: string };
  expect(response.status).toBe(200);
  return body.execution_id;
}

function expectNoSecret(text: string, where: string): void {
  for (const [name, secret] of Object.entries(SECRETS)) {
    // The distinctive part: `Bearer` alone is not a secret.
    const value = secret.replace(/^Bearer /, '');
    expect(text.includes(value), `${name} secret visible in ${where}`).toBe(false);
  }
}

/** Everything the page shows and holds: visible text and the whole DOM (JSON views included). */
async function pageText(page: Page): Promise<string> {
  return `${await page.locator('body').innerText()}\n${await page.content()}`;
}

/**
 * Records every request pages of the context make; one to any host but
 * 127.0.0.1 is recorded apart and aborted, so the test never reaches out.
 */
async function recordRequests(
  context: BrowserContext,
): Promise<{ all: string[]; outside: string[] }> {
  const seen = { all: [] as string[], outside: [] as string[] };
  context.on('request', (request) => seen.all.push(request.url()));
  await context.route('**', async (route) => {
    const url = new URL(route.request().url());
    if (/^(?:https?|wss?):$/.test(url.protocol) && url.hostname !== '127.0.0.1') {
      seen.outside.push(url.href);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  return seen;
}

/** Every network request went to 127.0.0.1 (data: and blob: URLs are no request). */
function expectOnlyLoopback(seen: { all: string[]; outside: string[] }, where: string): void {
  expect(seen.outside, `requests to other hosts from ${where}`).toEqual([]);
  const network = seen.all.filter((url) => /^(?:https?|wss?):/.test(url));
  expect(network.length, `requests recorded from ${where}`).toBeGreaterThan(2);
  for (const url of network) expect(new URL(url).hostname, url).toBe('127.0.0.1');
}

beforeAll(async () => {
  target = await startTargetServer();
  h = await startApiHarness({
    API_TOKENS: TOKEN,
    DASHBOARD_USER: CREDENTIALS.username,
    DASHBOARD_PASSWORD: CREDENTIALS.password,
  });
  // /jokes/random and /status/500 do not echo the request back.
  ids.completed = await enqueueAndWait('/jokes/random');
  ids.failed = await enqueueAndWait('/status/500');
  // launch() gives the browser a fresh profile in a temporary directory of its own.
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await target?.close();
});

describe('dashboard in a real browser', () => {
  it('shows the queue, a completed and a failed execution, redacted; screenshot saved', async () => {
    const context = await browser.newContext({ httpCredentials: CREDENTIALS });
    const seen = await recordRequests(context);
    const page = await context.newPage();
    const queue = h.config.queueName;
    try {
      const home = await page.goto(`${h.url}/dashboard/`);
      expect(home?.status()).toBe(200);
      await page.getByText(queue).first().waitFor({ timeout: 20_000 });

      await page.goto(`${h.url}/dashboard/queue/${queue}?status=completed`);
      await page.getByText(`#${ids.completed}`).first().waitFor({ timeout: 20_000 });
      expectNoSecret(await pageText(page), 'the completed list');

      await page.goto(`${h.url}/dashboard/queue/${queue}?status=failed`);
      await page.getByText(`#${ids.failed}`).first().waitFor({ timeout: 20_000 });
      await page
        .getByText(/HTTP 500/)
        .first()
        .waitFor({ timeout: 20_000 });
      expectNoSecret(await pageText(page), 'the failed list');

      for (const id of [ids.completed, ids.failed]) {
        await page.goto(`${h.url}/dashboard/queue/${queue}/${id}`);
        await page.getByText(`#${id}`).first().waitFor({ timeout: 20_000 });
        let seen = '';
        for (const tab of ['Data', 'Options', 'Logs', 'Error']) {
          const button = page.getByRole('tab', { name: tab, exact: true });
          if ((await button.count()) === 0) continue;
          await button.first().click();
          await page.waitForTimeout(300);
          const text = await pageText(page);
          expectNoSecret(text, `job ${id}, tab ${tab}`);
          seen += text;
        }
        // The Data tab showed the task, its credentials replaced.
        expect(seen).toContain('[REDACTED]');
        expect(seen).toContain(target.url);
      }
      // The JSON the page is built from.
      for (const path of [
        `/dashboard/api/queues?activeQueue=${queue}&status=latest&page=1&jobsPerPage=50`,
        `/dashboard/api/queues/${queue}/${ids.completed}`,
        `/dashboard/api/queues/${queue}/${ids.failed}`,
        `/dashboard/api/queues/${queue}/${ids.completed}/logs`,
        `/dashboard/api/queues/${queue}/${ids.failed}/logs`,
      ]) {
        const response = await page.request.get(`${h.url}${path}`);
        expect(response.status(), path).toBe(200);
        expectNoSecret(await response.text(), path);
      }
      const completed = await page.request.get(
        `${h.url}/dashboard/api/queues/${queue}/${ids.completed}`,
      );
      const body = (await completed.json()) as {
        job: { data: { headers: Record<string, string> }; returnValue: Record<string, unknown> };
      };
      expect(body.job.data.headers).toEqual({
        Authorization: '[REDACTED]',
        'X-Api-Key': '[REDACTED]',
      });
      // The whole output, though Redis keeps it without what can be made again.
      expect(Object.keys(body.job.returnValue)).toEqual(CONNECTOR_OUTPUT_ORDER);
      expect(body.job.returnValue).toMatchObject({
        execution_id: ids.completed,
        status: 'success',
        message: 'HTTP 200 OK',
        status_code: 200,
        cookies: {},
      });

      await page.goto(`${h.url}/dashboard/queue/${queue}?status=latest`);
      await page.getByText(`#${ids.failed}`).first().waitFor({ timeout: 20_000 });
      mkdirSync(join(ARTIFACT, '..'), { recursive: true });
      await page.screenshot({ path: ARTIFACT, fullPage: true });
      // bull-board's page links Google Fonts; the dashboard serves it without.
      expectOnlyLoopback(seen, 'the dashboard');
      expect(seen.all.some((url) => url.includes('/dashboard/static/'))).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('without credentials: 401 for the page, an asset and the API', async () => {
    const authed = await browser.newContext({ httpCredentials: CREDENTIALS });
    const html = await (await authed.request.get(`${h.url}/dashboard/`)).text();
    await authed.close();
    const asset = /(static\/[^"]+\.(?:js|css))"/.exec(html)?.[1];
    expect(asset).toBeDefined();

    const context = await browser.newContext();
    const page = await context.newPage();
    const statuses: number[] = [];
    page.on('response', (response) => statuses.push(response.status()));
    try {
      // Headless Chromium shows no login prompt: the navigation ends at the 401.
      await page.goto(`${h.url}/dashboard/`).catch((error: Error) => {
        expect(error.message).toMatch(/ERR_INVALID_AUTH_CREDENTIALS|401/);
      });
      expect(statuses).toContain(401);
      expect(statuses.some((status) => status < 400)).toBe(false);
      expect((await pageText(page)).includes(h.config.queueName)).toBe(false);
      for (const path of [
        '/dashboard/',
        `/dashboard/${asset}`,
        '/dashboard/api/queues',
        `/dashboard/queue/${h.config.queueName}`,
      ]) {
        expect((await context.request.get(`${h.url}${path}`)).status(), path).toBe(401);
      }
    } finally {
      await context.close();
    }
  });

  it('the request recorder catches a request to another host (control)', async () => {
    const context = await browser.newContext({ httpCredentials: CREDENTIALS });
    const seen = await recordRequests(context);
    const page = await context.newPage();
    try {
      await page.goto(`${h.url}/dashboard/`);
      // What the unmodified page would ask for; aborted here, never sent.
      await page.evaluate(async () => {
        await fetch('https://fonts.googleapis.com/css2?family=IBM+Plex+Sans').catch(() => null);
      });
      expect(seen.outside).toEqual(['https://fonts.googleapis.com/css2?family=IBM+Plex+Sans']);
    } finally {
      await context.close();
    }
  });
});

describe('API documentation page in a real browser', () => {
  it('with the bearer token it lists the routes, from 127.0.0.1 only; screenshot saved', async () => {
    const context = await browser.newContext({
      extraHTTPHeaders: { authorization: `Bearer ${TOKEN}` },
    });
    const seen = await recordRequests(context);
    const page = await context.newPage();
    try {
      const response = await page.goto(`${h.url}/api/docs/`);
      expect(response?.status()).toBe(200);
      for (const path of [
        '/api/tasks',
        '/api/tasks/bulk',
        '/api/tasks/{id}',
        '/api/files/{name}',
      ]) {
        await page
          .locator('.opblock-summary-path', {
            hasText: new RegExp(`^${path.replace(/[{}]/g, '\\$&')}$`),
          })
          .first()
          .waitFor({ state: 'visible', timeout: 20_000 });
      }
      await page.getByText('Enqueue one task').first().waitFor({ timeout: 20_000 });
      // The task's schema, shown from the component.
      await page.getByText('Task', { exact: true }).first().waitFor({ timeout: 20_000 });
      mkdirSync(join(DOCS_ARTIFACT, '..'), { recursive: true });
      await page.screenshot({ path: DOCS_ARTIFACT, fullPage: true });
      expectOnlyLoopback(seen, 'the API docs page');
      expect(seen.all.some((url) => url.endsWith('/api/docs/json'))).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('without a token it loads; its Authorize button takes the token that its calls then carry', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const response = await page.goto(`${h.url}/api/docs/`);
      expect(response?.status()).toBe(200);
      const operation = page.locator('.opblock-summary-path', { hasText: /^\/api\/queues$/ });
      await operation.first().waitFor({ state: 'visible', timeout: 20_000 });
      // Before Authorize, a call from the page is refused like any other without a token.
      expect((await context.request.get(`${h.url}/api/queues`)).status()).toBe(401);
      await page
        .getByRole('button', { name: /authorize/i })
        .first()
        .click();
      await page.getByRole('textbox', { name: 'auth-bearer-value' }).fill(TOKEN);
      await page.getByRole('button', { name: 'Apply credentials' }).click();
      await page.getByRole('button', { name: 'Close', exact: true }).click();
      const calls: string[] = [];
      page.on('request', (request) => {
        if (request.url().endsWith('/api/queues')) {
          calls.push(request.headers()['authorization'] ?? '');
        }
      });
      await operation.first().click();
      await page
        .getByRole('button', { name: /try it out/i })
        .first()
        .click();
      await page
        .getByRole('button', { name: /execute/i })
        .first()
        .click();
      await page.locator('.live-responses-table tbody .response-col_status').first().waitFor({
        timeout: 20_000,
      });
      expect(calls).toEqual([`Bearer ${TOKEN}`]);
      expect(
        await page.locator('.live-responses-table tbody .response-col_status').first().innerText(),
      ).toContain('200');
    } finally {
      await context.close();
    }
  });
});
