import type { Cookie, CookieJar } from 'tough-cookie';
import { lazyRequire } from '../../../shared/lazy-require.js';

/**
 * tough-cookie, with the public suffix list it judges Domain attributes by,
 * loaded by the first execution that has a cookie: heap that a worker of
 * cookie-less tasks never needs (see docs/performance.md).
 */
const toughCookie = lazyRequire<typeof import('tough-cookie')>('tough-cookie');

/** An execution's jar and what it knows of the jar's cookies. */
interface JarState {
  readonly jar: CookieJar;
  /** identity → the origin whose response (or task) stored it. */
  readonly origins: Map<string, string>;
  /** Identities of the cookies the task seeded: a server's value of the same name replaces them. */
  readonly seeded: Map<string, Cookie>;
  /** Identities of the cookies a server set (the output's `cookies`). */
  readonly fromServer: Set<string>;
}

/**
 * The cookie jar of one execution (tough-cookie, RFC 6265): the task's
 * `cookies` seeded for the request's origin, every response's Set-Cookie
 * stored with its expiry, Domain and Path (an expired or foreign-domain
 * cookie is dropped, a newer value replaces an older one), and each hop sent
 * the cookies that match its URL.
 *
 * One rule goes beyond RFC 6265: a cookie is sent only to the origin
 * (scheme, host and port) that set it (or, for the task's cookies, the
 * task's origin). RFC 6265 ignores ports, but cookies are credentials and
 * credentials never go to another origin (as with Authorization).
 */
export class ExecutionCookies {
  /**
   * Made when the first cookie comes: most executions have none, and a jar
   * costs CPU on every request (its store, its per-call URL parsing) while
   * its three indexes beside it are held for the whole execution (garbage
   * that outlives the young generation at high concurrency).
   */
  #state: JarState | undefined;

  /**
   * No cookie came yet (no jar): the executor then skips the jar's calls,
   * each a promise and a microtask turn on every request.
   */
  get empty(): boolean {
    return this.#state === undefined;
  }

  /** Seeds the task's cookies for `url`'s origin (every path there). */
  async seed(
    cookies: Readonly<Record<string, string | number | boolean>>,
    url: URL,
  ): Promise<void> {
    for (const [name, value] of Object.entries(cookies)) {
      const cookie = new (toughCookie().Cookie)({ key: name, value: String(value), path: '/' });
      const state = this.#made();
      const stored = await state.jar.setCookie(cookie, url.toString(), { ignoreError: true });
      if (!stored) continue;
      state.origins.set(identity(stored), url.origin);
      state.seeded.set(name, stored);
    }
  }

  /** Stores a response's Set-Cookie lines, as a browser would for a response from `url`. */
  async store(lines: readonly string[], url: URL): Promise<void> {
    for (const line of lines) {
      const parsed = toughCookie().Cookie.parse(line, { loose: true });
      if (!parsed) continue;
      const state = this.#made();
      const earlier = state.seeded.get(parsed.key);
      const stored = await state.jar.setCookie(parsed, url.toString(), { ignoreError: true });
      if (earlier && (stored || isExpired(parsed))) await this.#forgetSeeded(earlier, stored);
      if (!stored) continue;
      state.origins.set(identity(stored), url.origin);
      state.fromServer.add(identity(stored));
    }
  }

  /** The Cookie header value for a hop to `url` (empty: none to send). */
  async header(url: URL): Promise<string> {
    const state = this.#state;
    if (!state) return '';
    const cookies = await state.jar.getCookies(url.toString());
    return cookies
      .filter((cookie) => state.origins.get(identity(cookie)) === url.origin)
      .map((cookie) => cookie.cookieString())
      .join('; ');
  }

  /** Names of the cookies `header(url)` sends (a task's Cookie header loses pairs of these names). */
  async names(url: URL): Promise<Set<string>> {
    const state = this.#state;
    if (!state) return new Set();
    const cookies = await state.jar.getCookies(url.toString());
    return new Set(
      cookies
        .filter((cookie) => state.origins.get(identity(cookie)) === url.origin)
        .map((c) => c.key),
    );
  }

  /** name → value of the cookies a server set and that have not expired (quotes kept). */
  async output(): Promise<Record<string, string>> {
    const now = Date.now();
    const out: Record<string, string> = {};
    const state = this.#state;
    if (!state) return out;
    for (const cookie of await state.jar.store.getAllCookies()) {
      if (!state.fromServer.has(identity(cookie))) continue;
      const expiry = cookie.expiryTime();
      if (expiry !== undefined && expiry <= now) continue;
      // Own data properties: a cookie named __proto__ stays a cookie.
      Object.defineProperty(out, cookie.key, {
        value: cookie.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }

  /**
   * Forgets the task's cookies that no server replaced: like the task's own
   * Cookie header, they are not sent again once a redirect left the task's
   * origin (not even when a later redirect comes back).
   */
  async forgetTaskCookies(): Promise<void> {
    const seeded = this.#state?.seeded.values() ?? [];
    for (const cookie of [...seeded]) await this.#forgetSeeded(cookie, undefined);
  }

  #made(): JarState {
    return (this.#state ??= {
      jar: new (toughCookie().CookieJar)(),
      origins: new Map(),
      seeded: new Map(),
      fromServer: new Set(),
    });
  }

  /** A task cookie the server replaced (or expired) under another Path or Domain: the server's word wins. */
  async #forgetSeeded(earlier: Cookie, replacement: Cookie | undefined): Promise<void> {
    const state = this.#made();
    state.seeded.delete(earlier.key);
    if (replacement && identity(replacement) === identity(earlier)) return;
    if (earlier.domain && earlier.path) {
      await state.jar.store.removeCookie(earlier.domain, earlier.path, earlier.key);
    }
  }
}

function identity(cookie: Cookie): string {
  return `${cookie.domain ?? ''};${cookie.path ?? ''};${cookie.key}`;
}

function isExpired(cookie: Cookie): boolean {
  const expiry = cookie.expiryTime();
  return expiry !== undefined && expiry <= Date.now();
}

/**
 * The Cookie header of a hop: the task's own Cookie header (without pairs the
 * jar now holds a value for: the latest value wins), then the jar's cookies.
 */
export function mergeCookieHeader(
  own: string | undefined,
  jarNames: Set<string>,
  jar: string,
): string {
  const kept = (own ?? '')
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '' && !jarNames.has(pair.split('=', 1)[0]?.trim() ?? ''));
  return [...kept, jar].filter(Boolean).join('; ');
}
