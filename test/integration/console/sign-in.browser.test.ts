import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';
import { foreignRequests } from '../../helpers/console-browser.js';
import { ConsoleSession } from '../../helpers/console-session.js';

const TOKEN = 'console-sign-in-token';

let session: ConsoleSession;
let open: ApiHarness;

beforeAll(async () => {
  session = await ConsoleSession.start({ token: TOKEN, worker: false });
  open = await startApiHarness({}, { worker: false });
}, 60_000);

afterAll(async () => {
  await session?.close();
  await open?.close();
});

describe('the console signs in', () => {
  it('serves the page with a strict Content-Security-Policy', async () => {
    const response = await fetch(`${session.h.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await response.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${session.h.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    await asset.arrayBuffer();
  });

  it('refuses a wrong token, takes the right one, and keeps it for the tab only', async () => {
    const { context, watch } = await session.openContext(session.h.url);
    try {
      const page = await context.newPage();
      await page.goto(`${session.h.url}/`);
      const field = page.getByLabel('API token');
      await field.fill('not-the-token');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect
        .poll(() => page.getByRole('alert').textContent(), { timeout: 10_000 })
        .toBe('wrong token');
      expect(await page.getByRole('navigation', { name: 'Console' }).count()).toBe(0);

      await field.fill(TOKEN);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor({ timeout: 10_000 });
      await page
        .getByRole('rowheader', { name: session.h.config.queueName })
        .waitFor({ timeout: 10_000 });
      expect(await page.evaluate('Object.values(sessionStorage)')).toEqual([TOKEN]);
      expect(await page.evaluate('Object.keys(localStorage)')).toEqual([]);

      // A reload in the same tab stays signed in.
      await page.reload();
      await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor({ timeout: 10_000 });
      expect(await page.getByLabel('API token').count()).toBe(0);

      expect(foreignRequests(watch, session.h.url)).toEqual([]);
      expect(watch.pageErrors).toEqual([]);
      // The only console errors: the browser's notes on the two 401 answers (probe, wrong token).
      expect(watch.consoleErrors.every((text) => /status of 401/.test(text))).toBe(true);
      expect(watch.consoleErrors).toHaveLength(2);
    } finally {
      await context.close();
    }
  });

  it('follows the light or dark setting of the system', async () => {
    const backgrounds: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await session.browser.newContext({
        colorScheme,
        viewport: { width: 1280, height: 800 },
      });
      try {
        const page = await context.newPage();
        await page.goto(`${open.url}/`);
        await page
          .getByRole('heading', { name: 'Overview', level: 1 })
          .waitFor({ timeout: 10_000 });
        backgrounds.push(
          String(await page.evaluate('getComputedStyle(document.documentElement).backgroundColor')),
        );
      } finally {
        await context.close();
      }
    }
    expect(backgrounds).toEqual(['rgb(255, 255, 255)', 'rgb(21, 25, 30)']);
  });

  it('opens directly on loopback without API_TOKENS', async () => {
    const { context, watch } = await session.openContext(open.url);
    try {
      const page = await context.newPage();
      await page.goto(`${open.url}/`);
      await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor({ timeout: 10_000 });
      expect(await page.getByLabel('API token').count()).toBe(0);
      expect(watch.pageErrors).toEqual([]);
      expect(watch.consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
