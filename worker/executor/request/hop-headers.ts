import type { Task } from '../../../shared/task-schema.js';
import { mergeCookieHeader, type ExecutionCookies } from './cookies.js';
import type { RequestBody } from './request-body.js';

/** The first hop's headers: the body's (Content-Type, Content-Length), then the task's own. */
export function baseHeaders(task: Task, body: RequestBody | null): Record<string, string> {
  const headers: Record<string, string> = { ...(body?.headers ?? {}) };
  for (const [name, value] of Object.entries(task.headers ?? {})) {
    // The task's own header replaces the body's default of the same name.
    for (const existing of Object.keys(headers)) {
      if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
    }
    headers[name] = String(value);
  }
  return headers;
}

/**
 * The hop's headers with the jar's cookies for its URL after the task's own
 * Cookie header (which already went away on a change of origin).
 */
export async function withCookies(
  headers: Record<string, string>,
  url: URL,
  cookies: ExecutionCookies,
): Promise<Record<string, string>> {
  const jar = await cookies.header(url);
  if (!jar) return headers;
  const out = { ...headers };
  const existing = Object.keys(out).find((n) => n.toLowerCase() === 'cookie');
  const own = existing ? out[existing] : undefined;
  if (existing) delete out[existing];
  out.Cookie = mergeCookieHeader(own, await cookies.names(url), jar);
  return out;
}

/** A run's credentials: the headers, and the one origin they go to. */
export interface HopCredentials {
  readonly origin: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The headers of one request of `hop`: its own, the credentials' on their
 * origin only, those made afresh per request (`fresh`), and the execution's
 * cookies for its URL.
 */
export function requestHeaders(
  hop: { readonly url: URL; readonly headers: Record<string, string> },
  credentials: {
    readonly origin: string | null;
    readonly headers: Readonly<Record<string, string>>;
  },
  fresh: Record<string, string> | undefined,
  cookies: ExecutionCookies,
): Record<string, string> | Promise<Record<string, string>> {
  const own = {
    ...(hop.url.origin === credentials.origin
      ? { ...hop.headers, ...credentials.headers }
      : hop.headers),
    ...fresh,
  };
  return cookies.empty ? own : withCookies(own, hop.url, cookies);
}
