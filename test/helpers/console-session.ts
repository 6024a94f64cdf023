import type {
  Browser,
  BrowserContext,
  BrowserContextOptions,
  Locator,
  Page,
} from 'playwright-core';
import { expect } from 'vitest';
import { startApiHarness, type ApiHarness } from './api-harness.js';
import {
  foreignRequests,
  launchChromium,
  watchContext,
  type PageWatch,
} from './console-browser.js';
import { jsonCall } from './json-call.js';

/** The viewport the console's tests and screenshots use. */
export const DESKTOP = { width: 1280, height: 800 };

/** What a console session starts: the API's settings, its token, the browser's viewport. */
export interface ConsoleSessionOptions {
  /** The token the API takes (API_TOKENS) and the sign-in form is given; none: the console opens directly. */
  readonly token?: string;
  /** More of the API's environment (TASKREST_…). */
  readonly env?: Record<string, string>;
  /** False: an API without a worker of its own. */
  readonly worker?: boolean;
  readonly viewport?: { width: number; height: number };
}

/** A browser context whose requests and errors are watched, kept to one origin. */
export interface WatchedContext {
  readonly context: BrowserContext;
  readonly watch: PageWatch;
}

/**
 * One console test file's world: an API harness (with its token), a
 * headless chromium and one watched context, with the readers the tests
 * share. `close()` ends them all.
 */
export class ConsoleSession {
  readonly h: ApiHarness;
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly watch: PageWatch;
  readonly #token: string | undefined;
  #signIns = 0;

  private constructor(h: ApiHarness, browser: Browser, main: WatchedContext, token?: string) {
    this.h = h;
    this.browser = browser;
    this.context = main.context;
    this.watch = main.watch;
    this.#token = token;
  }

  /** Starts the API, then chromium with one context at `viewport` (1280x800 unless told). */
  static async start(options: ConsoleSessionOptions = {}): Promise<ConsoleSession> {
    const { token, env = {}, worker = true, viewport = DESKTOP } = options;
    const h = await startApiHarness(token ? { API_TOKENS: token, ...env } : env, { worker });
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const main = await watchedContext(browser, h.url, { viewport });
      return new ConsoleSession(h, browser, main, token);
    } catch (e) {
      await browser?.close();
      await h.close();
      throw e;
    }
  }

  /** Pages signed in so far: each one's first call was answered 401 (the token is asked for). */
  get signIns(): number {
    return this.#signIns;
  }

  /** Calls the API with the session's token. */
  api(method: string, path: string, body?: unknown): ReturnType<typeof jsonCall> {
    return jsonCall(this.h.url, method, path, body, this.#token ?? null);
  }

  /** Another watched context of this browser, for the API at `origin`. */
  openContext(origin: string, options: BrowserContextOptions = {}): Promise<WatchedContext> {
    return watchedContext(this.browser, origin, options);
  }

  /** A new page of the session's context at `hash`, signed in through the form. */
  async signedInPage(hash = ''): Promise<Page> {
    const page = await this.context.newPage();
    this.#signIns += 1;
    await page.goto(`${this.h.url}/${hash}`);
    await page.getByLabel('API token').fill(this.#token ?? '');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Console' }).waitFor({ timeout: 10_000 });
    return page;
  }

  /** The texts of one column of a table's body rows. */
  column(page: Page, table: string, index: number): Promise<string[]> {
    return page
      .getByRole('table', { name: table })
      .locator(`tbody tr > :nth-child(${index + 1})`)
      .allInnerTexts();
  }

  /** The body row of the table called `table` whose header is `name`. */
  rowIn(page: Page, table: string, name: string): Locator {
    return page
      .getByRole('table', { name: table })
      .locator('tbody tr')
      .filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  }

  /** The texts of the cells of that row, its header first; [] while there is none. */
  async rowOf(page: Page, table: string, name: string): Promise<string[]> {
    return cellsOf(this.rowIn(page, table, name));
  }

  /**
   * The session's pages made their requests to the API's own origin only,
   * had no page error, and their console errors are the browser's notes on
   * the sign-ins' 401s plus one for each of `otherErrors`.
   */
  expectOwnOriginOnly(otherErrors: readonly RegExp[] = []): void {
    const { watch } = this;
    expect(watch.requests.length).toBeGreaterThan(10);
    expect(foreignRequests(watch, this.h.url)).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
    expect(watch.consoleErrors).toHaveLength(this.signIns + otherErrors.length);
    const notes = (pattern: RegExp) => watch.consoleErrors.filter((text) => pattern.test(text));
    expect(notes(/status of 401/)).toHaveLength(this.signIns);
    for (const pattern of otherErrors) expect(notes(pattern)).toHaveLength(1);
  }

  /** Closes the browser, then the API. */
  async close(): Promise<void> {
    await this.browser.close();
    await this.h.close();
  }
}

/** The texts of a body row's cells, its header cell first ([] when there is no row). */
export async function cellsOf(row: Locator): Promise<string[]> {
  if ((await row.count()) === 0) return [];
  return row.locator(':scope > th, :scope > td').allInnerTexts();
}

async function watchedContext(
  browser: Browser,
  origin: string,
  options: BrowserContextOptions,
): Promise<WatchedContext> {
  const context = await browser.newContext(options);
  return { context, watch: await watchContext(context, origin) };
}
