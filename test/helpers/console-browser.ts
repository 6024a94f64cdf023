import { execFileSync } from 'node:child_process';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (`command -v chromium` finds it; .ci/run installs it). */
const CHROMIUM = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();

/** A headless chromium with a fresh profile of its own, as the dashboard's test starts it. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
