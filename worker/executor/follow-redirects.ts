import type { AxiosResponse } from 'axios';
import { ErrorCode } from '../../shared/errors/error-codes.js';
import { TaskError } from '../../shared/errors/task-error.js';
import { isSensitiveHeader, redactUrl } from '../../shared/redact.js';
import { classifyError } from './classify-error.js';

/** One hop's request, as the executor sends it. */
export interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  /** False once a redirect turned the request into a GET without body. */
  withBody: boolean;
}

/**
 * The next hop after a redirect response, or null when the response is final.
 * taskrest follows redirects itself (the transport never does), so that every
 * hop is counted, logged and checked, and credentials stay with their origin:
 *
 * - 301/302 of a non-GET/HEAD and every 303 become a GET without body
 *   (what browsers and requests do); 307/308 keep method and body;
 * - on a change of origin, Authorization, Cookie and other credential headers
 *   are dropped.
 */
export function nextHop(
  hop: Hop,
  response: AxiosResponse,
  redirectsSoFar: number,
  maxRedirects: number,
): Hop | null {
  const location = response.headers.location as unknown;
  if (response.status < 300 || response.status > 399 || typeof location !== 'string') return null;
  let url: URL;
  try {
    url = new URL(location, hop.url);
  } catch {
    return null; // An unusable Location: the 3xx is the final response.
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (redirectsSoFar >= maxRedirects) {
    throw new TaskError(
      ErrorCode.TOO_MANY_REDIRECTS,
      `too many redirects: more than max_redirects (${maxRedirects}); the last one was ${response.status} to ${redactUrl(url)}`,
    );
  }
  const becomesGet =
    response.status === 303 ||
    ((response.status === 301 || response.status === 302) && !['get', 'head'].includes(hop.method));
  const headers =
    url.origin === hop.url.origin ? { ...hop.headers } : withoutCredentials(hop.headers);
  if (becomesGet) {
    for (const name of Object.keys(headers)) {
      if (/^content-/i.test(name)) delete headers[name];
    }
  }
  return {
    url,
    method: becomesGet ? (hop.method === 'head' ? 'head' : 'get') : hop.method,
    headers,
    withBody: hop.withBody && !becomesGet,
  };
}

/**
 * A redirect the outbound policy refuses (by its URL, or at connect time by
 * the address its name resolves to) is not followed: the log's line saying
 * so and why, for the failure of a redirect's hop; null for any other failure.
 */
export function refusedRedirectLine(error: unknown): string | null {
  const classified = error instanceof TaskError ? error : classifyError(error);
  return classified.code === ErrorCode.DESTINATION_DENIED
    ? `redirect not followed: ${classified.message}`
    : null;
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !isSensitiveHeader(name)));
}
