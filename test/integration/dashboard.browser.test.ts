import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../helpers/api-harness.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

/** Debian's chromium (`command -v chromium` finds it; .ci/run installs it). */
const CHROMIUM = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
const ARTIFACT = join(import.meta.dirname, '../../test-artifacts/dashboard.png');

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
let target: TargetServer;
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
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await target?.close();
});

describe('dashboard in a real browser', () => {
  it('shows the queue, a completed and a failed execution, redacted; screenshot saved', async () => {
    const context = await browser.newContext({ httpCredentials: CREDENTIALS });
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
        job: { data: { headers: Record<string, string> }; returnValue: { status: string } };
      };
      expect(body.job.data.headers).toEqual({
        Authorization: '[REDACTED]',
        'X-Api-Key': '[REDACTED]',
      });
      expect(body.job.returnValue.status).toBe('success');

      await page.goto(`${h.url}/dashboard/queue/${queue}?status=latest`);
      await page.getByText(`#${ids.failed}`).first().waitFor({ timeout: 20_000 });
      mkdirSync(join(ARTIFACT, '..'), { recursive: true });
      await page.screenshot({ path: ARTIFACT, fullPage: true });
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
});
