/**
 * Redaction: secrets never reach outputs, logs, failure reasons or the
 * dashboard. Everything that shows a header, a URL or a task goes through here.
 */

export const REDACTED = '[REDACTED]';

/**
 * Header names whose values are credentials: the named ones, API-key-like
 * names (`x-api-key`, `*-token`, `*-secret`, `x-session-id`, …), and names
 * with a word `credential(s)`, `auth` or `jwt` (`x-client-credentials`).
 * A name merely containing "credential" is not enough: see NOT_SECRET.
 */
const SENSITIVE_HEADER =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|apikey|x-auth-token|x-access-token|x-csrf-token|x-xsrf-token)$|token|secret|password|passwd|api[-_]?key|session|signature|(^|[-_.])(credentials?|auth|jwt)($|[-_.])/i;

/**
 * CORS response headers describe what a browser may do (which headers,
 * whether credentials may be sent: `Access-Control-Allow-Credentials: true`);
 * they never carry one, and hiding them hides why a call behaves as it does.
 */
const NOT_SECRET = /^access-control-/i;

/** Query parameter names whose values are credentials. */
const SENSITIVE_PARAM =
  /token|secret|password|passwd|api[-_]?key|signature|credential|jwt|session|^(key|sig|auth|authorization|code)$/i;

/** Headers whose values are URLs, which may carry credentials in their query (an OAuth `code`). */
const URL_HEADER = /^(location|content-location|referer)$/i;

export function isSensitiveHeader(name: string): boolean {
  return !NOT_SECRET.test(name) && SENSITIVE_HEADER.test(name);
}

/** Whether a query or form field of this name holds a credential (`api_key`, `access_token`). */
export function isSensitiveParam(name: string): boolean {
  return SENSITIVE_PARAM.test(name);
}

/** A copy of the headers with every credential value replaced (and URL-valued ones redacted). */
export function redactHeaders<T>(headers: Readonly<Record<string, T>>): Record<string, T | string> {
  // fromEntries defines own properties: a name __proto__ (unchecked job data) cannot set a prototype.
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]): [string, T | string] => [
      name,
      redactHeaderValue(name, value),
    ]),
  );
}

/** One header's value as `redactHeaders` shows it. */
export function redactHeaderValue<T>(name: string, value: T): T | string {
  if (isSensitiveHeader(name)) return REDACTED;
  if (URL_HEADER.test(name) && typeof value === 'string') return redactUrl(value);
  return value;
}

/**
 * The URL as text, without user info and with credential-like query (and
 * fragment: OAuth's implicit flow puts tokens there) values replaced.
 * Relative URLs (a Location header, a path with a query) are redacted the
 * same way; the text is kept as it is when there is nothing to redact.
 */
export function redactUrl(url: URL | string): string {
  // Nothing that could hold a credential (most request URLs): no copy, no parse.
  if (typeof url !== 'string' && !url.username && !url.password && !url.search && !url.hash) {
    return url.href;
  }
  const text = String(url);
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) return redactRelative(text);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return redactRelative(text);
  }
  if (parsed.username || parsed.password) {
    parsed.username = parsed.username ? 'REDACTED' : '';
    parsed.password = '';
  }
  for (const key of [...new Set(parsed.searchParams.keys())]) {
    if (SENSITIVE_PARAM.test(key)) parsed.searchParams.set(key, REDACTED);
  }
  parsed.hash = redactQuery(parsed.hash.slice(1));
  return parsed.toString();
}

/** `path?query#fragment` with credential-like values in query and fragment replaced. */
function redactRelative(text: string): string {
  const hashAt = text.indexOf('#');
  const beforeHash = hashAt === -1 ? text : text.slice(0, hashAt);
  const hash = hashAt === -1 ? null : text.slice(hashAt + 1);
  const queryAt = beforeHash.indexOf('?');
  const path = queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt);
  const query = queryAt === -1 ? null : beforeHash.slice(queryAt + 1);
  return (
    path +
    (query === null ? '' : `?${redactQuery(query)}`) +
    (hash === null ? '' : `#${redactQuery(hash)}`)
  );
}

/** `a=1&api_key=x` → `a=1&api_key=%5BREDACTED%5D`; unchanged when no name is sensitive. */
function redactQuery(query: string): string {
  if (!query.includes('=')) return query;
  const params = new URLSearchParams(query);
  const sensitive = [...new Set(params.keys())].filter((key) => SENSITIVE_PARAM.test(key));
  if (sensitive.length === 0) return query;
  for (const key of sensitive) params.set(key, REDACTED);
  return params.toString();
}

/**
 * A task (as stored in job data) safe to show: header and cookie values that
 * are credentials, URL credentials and the PEM text of `cacert` replaced.
 * Unknown shapes pass through unchanged (a bad job is shown as it is, less secrets).
 */
export function redactTask(task: unknown): unknown {
  if (task === null || typeof task !== 'object' || Array.isArray(task)) return task;
  const out: Record<string, unknown> = { ...(task as Record<string, unknown>) };
  if (isRecord(out.headers)) out.headers = redactHeaders(out.headers);
  if (isRecord(out.cookies)) {
    out.cookies = Object.fromEntries(Object.keys(out.cookies).map((k) => [k, REDACTED]));
  }
  for (const field of ['url', 'base_path', 'base_url', 'path']) {
    const value = out[field];
    if (typeof value === 'string') out[field] = redactUrl(value);
  }
  for (const field of ['params', 'urlencoded']) {
    const value = out[field];
    if (!isRecord(value)) continue;
    out[field] = Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SENSITIVE_PARAM.test(k) ? REDACTED : v]),
    );
  }
  if (typeof out.cacert === 'string') out.cacert = REDACTED;
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
