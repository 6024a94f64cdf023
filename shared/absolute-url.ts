/** What a port out of range is told. */
export const PORT_RANGE = 'the port must be between 1 and 65535';

/** What a URL with whitespace or NUL is told (a header line or a log line must never be split). */
export const NO_WHITESPACE = 'must not contain whitespace or NUL';

/** What a URL that is not absolute http(s) is told. */
export const ABSOLUTE_HTTP = 'expected an absolute http:// or https:// URL';

/** A port as written in a URL or `hostname` (absent: the scheme's default). */
export function validPort(port: string | undefined): boolean {
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
}

/**
 * Why an absolute URL cannot be requested, or undefined when it can: the
 * scheme and host present, the port in range, parsed by WHATWG URL rules.
 */
export function urlProblem(url: string): string | undefined {
  // WHATWG URL parsing refuses ports over 65535 but accepts 0 (which no server listens on).
  const authority = /^[a-z]+:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(?::(\d*))?/i.exec(url);
  if (authority?.[2] && !validPort(authority[2])) return PORT_RANGE;
  if (!URL.canParse(url)) return 'is not a valid URL';
  return undefined;
}

/**
 * Why a URL taskrest is to call by itself (a callback's) cannot be, or
 * undefined when it can: the same rules as a task's `url` without a
 * `hostname`, so that a URL refused at delivery is refused at enqueue.
 */
export function absoluteUrlProblem(url: string): string | undefined {
  if (/[\s\0]/.test(url)) return NO_WHITESPACE;
  if (!/^https?:\/\/[^/?#]/i.test(url)) return ABSOLUTE_HTTP;
  return urlProblem(url);
}
