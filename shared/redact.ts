/**
 * Redaction: secrets never reach outputs, logs, failure reasons or the
 * dashboard. Everything that shows a header, a URL or a task goes through here.
 */

export const REDACTED = '[REDACTED]';

/** Header names whose values are credentials. */
const SENSITIVE_HEADER =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|apikey|x-auth-token|x-access-token|x-csrf-token|x-xsrf-token)$|token|secret|password|passwd|api[-_]?key|session|signature|credential/i;

/** Query parameter names whose values are credentials. */
const SENSITIVE_PARAM =
  /token|secret|password|passwd|api[-_]?key|signature|credential|^(key|sig|auth|code)$/i;

export function isSensitiveHeader(name: string): boolean {
  return SENSITIVE_HEADER.test(name);
}

/** A copy of the headers with every credential value replaced. */
export function redactHeaders<T>(headers: Readonly<Record<string, T>>): Record<string, T | string> {
  const out: Record<string, T | string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = isSensitiveHeader(name) ? REDACTED : value;
  }
  return out;
}

/** The URL as text, without user info and with credential-like query values replaced. */
export function redactUrl(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return String(url);
  }
  if (parsed.username || parsed.password) {
    parsed.username = parsed.username ? 'REDACTED' : '';
    parsed.password = '';
  }
  for (const key of [...new Set(parsed.searchParams.keys())]) {
    if (SENSITIVE_PARAM.test(key)) parsed.searchParams.set(key, REDACTED);
  }
  return parsed.toString();
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
  if (typeof out.url === 'string' && /^https?:\/\//i.test(out.url)) out.url = redactUrl(out.url);
  if (isRecord(out.params)) {
    out.params = Object.fromEntries(
      Object.entries(out.params).map(([k, v]) => [k, SENSITIVE_PARAM.test(k) ? REDACTED : v]),
    );
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
