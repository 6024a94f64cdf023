/** Cookies in (the task's `cookies` input) and out (the output's `cookies`). */

/** The Cookie header for the task's cookies, after any Cookie header the task set itself. */
export function cookieHeader(
  cookies: Readonly<Record<string, string | number | boolean>>,
  existing?: string,
): string {
  const pairs = Object.entries(cookies).map(([name, value]) => `${name}=${String(value)}`);
  return [existing, ...pairs].filter(Boolean).join('; ');
}

/** name → value from Set-Cookie header lines (attributes such as Path are dropped). */
export function parseSetCookies(lines: readonly string[]): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const line of lines) {
    const pair = line.split(';', 1)[0] ?? '';
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
      value = value.slice(1, -1);
    if (name) cookies[name] = value;
  }
  return cookies;
}
