import { isSensitiveHeader, isSensitiveParam, REDACTED } from '../redact.js';

/** Values shorter than this are not searched for (a 1-character "secret" would cut every text). */
const MIN_SECRET_LENGTH = 4;

/**
 * The credential values a task carries: sensitive header values (and the
 * token inside `Bearer …`/`Basic …`), cookie values, sensitive query and
 * form values, and the password of a URL. What a target
 * echoes back (a response body that repeats the request) must not carry
 * them into the history, so a record's texts are scrubbed of them.
 */
export function taskSecrets(task: unknown): string[] {
  if (task === null || typeof task !== 'object') return [];
  const t = task as Record<string, unknown>;
  const found: string[] = [];
  for (const [name, value] of entriesOf(t.headers)) {
    if (typeof value !== 'string' || !isSensitiveHeader(name)) continue;
    found.push(value);
    const scheme = /^\s*\w+\s+(.+)$/.exec(value);
    if (scheme) found.push(scheme[1]!);
  }
  for (const [, value] of entriesOf(t.cookies)) if (typeof value === 'string') found.push(value);
  for (const field of ['params', 'urlencoded']) {
    for (const [name, value] of entriesOf(t[field])) {
      if (isSensitiveParam(name)) found.push(...[value].flat().filter(isString));
    }
  }
  for (const field of ['url', 'base_url', 'path', 'base_path']) {
    if (typeof t[field] === 'string') found.push(...urlSecrets(t[field]));
  }
  return [...new Set(found.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
}

/** `text` with every one of `secrets` replaced by [REDACTED] (longest first, so none is left half). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** The password and the credential-like query values of a URL (also URL-encoded, as a target may echo them). */
function urlSecrets(text: string): string[] {
  // Without user info, a query or a fragment there is nothing to find: no parse (most tasks' URLs).
  if (!/[@?#]/.test(text)) return [];
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return querySecrets(text.includes('?') ? text.slice(text.indexOf('?') + 1) : '');
  }
  const found = [url.password, decodeURIComponent(url.password)];
  // User info is sent as Basic authorization: an echoed header shows it in base64.
  if (url.password) {
    const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    found.push(Buffer.from(pair).toString('base64'));
  }
  return [...found, ...querySecrets(url.search.slice(1)), ...querySecrets(url.hash.slice(1))];
}

function querySecrets(query: string): string[] {
  if (!query.includes('=')) return [];
  const found: string[] = [];
  for (const [name, value] of new URLSearchParams(query)) {
    if (isSensitiveParam(name)) found.push(value, encodeURIComponent(value));
  }
  return found;
}

function entriesOf(value: unknown): [string, unknown][] {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? Object.entries(value)
    : [];
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}
