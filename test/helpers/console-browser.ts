import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { findProgram, lineFor, PREREQUISITES } from '../prerequisites.mjs';

/**
 * Debian's chromium, found on PATH as `npm test`'s prerequisite check finds
 * it; when it is missing, the check's one line, not a stack of `sh` output.
 */
function chromiumPath(): string {
  const found = findProgram('chromium');
  if (found) return found;
  throw new Error(lineFor(PREREQUISITES.filter((p) => p.apt === 'chromium')));
}

/** A headless chromium with a fresh profile of its own, as the dashboard's test starts it. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
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
}

/** What a console page did besides showing itself: requests, errors, console errors. */
export interface PageWatch {
  readonly requests: string[];
  readonly pageErrors: string[];
  readonly consoleErrors: string[];
}

/**
 * Records every request the pages of `context` make, and their uncaught
 * errors and console errors. A request to any origin but `origin` is
 * aborted (the test never reaches out) and stays recorded.
 */
export async function watchContext(context: BrowserContext, origin: string): Promise<PageWatch> {
  const watch: PageWatch = { requests: [], pageErrors: [], consoleErrors: [] };
  context.on('request', (request) => watch.requests.push(request.url()));
  context.on('page', (page: Page) => {
    page.on('pageerror', (error) => watch.pageErrors.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') watch.consoleErrors.push(message.text());
    });
  });
  await context.route('**', async (route) => {
    const url = new URL(route.request().url());
    if (/^(?:https?|wss?):$/.test(url.protocol) && url.origin !== origin) {
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  return watch;
}

/** Every network request went to `origin` (data: URLs are no request); at least `least` were made. */
export function foreignRequests(watch: PageWatch, origin: string): string[] {
  return watch.requests
    .filter((url) => /^(?:https?|wss?):/.test(url))
    .filter((url) => new URL(url).origin !== origin);
}

/**
 * Where the console's tests put their screenshots: `TASKREST_SCREENSHOT_DIR`
 * when set (`npm run screenshots` sets docs/images, which docs/console.md
 * shows), else test-artifacts/, to look at after a run.
 */
export function screenshotDir(): string {
  return process.env.TASKREST_SCREENSHOT_DIR ?? join(import.meta.dirname, '../../test-artifacts');
}

/** Saves the page as `<name>.png` in the screenshot folder (the viewport, unless `fullPage`). */
export async function saveScreenshot(page: Page, name: string, fullPage = false): Promise<void> {
  const dir = screenshotDir();
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage });
}
