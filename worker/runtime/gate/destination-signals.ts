import { retryAfterMs } from '../../executor/retry-policy.js';

/**
 * What a destination's response says about sending it more: hold every
 * request to it for `holdMs` (its own headers asked for that, `reason` says
 * which), or `rejected` (a 429 that gave no time: the gate halves the rate
 * it sends at), or nothing.
 */
export type DestinationSignal =
  { readonly holdMs: number; readonly reason: string } | { readonly rejected: true } | null;

/** A header value as text: axios gives strings, sometimes arrays or numbers. */
export type HeaderText = (name: string) => string | undefined;

/**
 * The signal of a response: `status` (null when none came), its headers
 * (lower-case names), the worker's clock and the longest hold a destination
 * may ask for (TASKREST_MAX_HOLD_SECONDS).
 *
 * Read in this order, the first that names a time wins: Retry-After (only
 * on 429 and 503, where RFC 9110 gives it that meaning), the IETF draft's
 * `RateLimit` / `RateLimit-Remaining` + `RateLimit-Reset` (any status: a 200
 * may say the budget is spent), then the common `X-RateLimit-*` pair. A
 * time in the past holds nothing. A 429 with none of them is `rejected`.
 */
export function destinationSignal(
  status: number | null,
  headers: Readonly<Record<string, unknown>> | null,
  now: number,
  maxHoldMs: number,
): DestinationSignal {
  if (status === null) return null;
  const header = headerReader(headers);
  const found = readHold(status, header, now);
  if (found === null) return status === 429 ? { rejected: true } : null;
  const holdMs = Math.min(Math.ceil(found.holdMs), maxHoldMs);
  return holdMs > 0 ? { holdMs, reason: found.reason } : null;
}

/** The hold the headers ask for, uncapped (0 or less: none), or null when no header names one. */
function readHold(
  status: number,
  header: HeaderText,
  now: number,
): { holdMs: number; reason: string } | null {
  if (status === 429 || status === 503) {
    const retryAfter = retryAfterMs(header('retry-after'), now);
    if (retryAfter !== null)
      return { holdMs: retryAfter, reason: `Retry-After after HTTP ${status}` };
  }
  const draft = draftRateLimitMs(header);
  if (draft !== null) return { holdMs: draft, reason: 'RateLimit header' };
  const common = xRateLimitMs(header, now);
  if (common !== null) return { holdMs: common, reason: 'X-RateLimit headers' };
  return null;
}

/** Reads headers whatever shape axios gave their values in. */
function headerReader(headers: Readonly<Record<string, unknown>> | null): HeaderText {
  return (name) => {
    const value = headers?.[name];
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    if (Array.isArray(value)) return value.map(String).join(', ');
    return undefined;
  };
}

/** A non-negative decimal number, or null (`-1`, `abc` and empty texts are none). */
function numberOf(text: string | undefined): number | null {
  const value = text?.trim().replace(/^"(.*)"$/, '$1');
  return value !== undefined && /^\d+(\.\d+)?$/.test(value) ? Number(value) : null;
}

/** `key=value` parameters of a header, split on `;` and `,` (both draft forms use one or the other). */
function parametersOf(text: string): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const part of text.split(/[;,]/)) {
    const at = part.indexOf('=');
    if (at > 0) parameters.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  return parameters;
}

/**
 * The IETF draft (draft-ietf-httpapi-ratelimit-headers): the structured
 * `RateLimit: "default";r=0;t=3` (one item per policy; the longest wait of
 * those spent wins), its older `RateLimit: limit=10, remaining=0, reset=3`,
 * or separate `RateLimit-Remaining` / `RateLimit-Reset`. A spent budget
 * without a reset waits the policy's window (`RateLimit-Policy: …;w=60`).
 * Null when no budget is spent.
 */
function draftRateLimitMs(header: HeaderText): number | null {
  const combined = header('ratelimit');
  let spent: { resetSeconds: number | null } | null = null;
  if (combined !== undefined) {
    spent = /\bremaining\s*=/i.test(combined) ? olderDraft(combined) : structuredDraft(combined);
  } else if (numberOf(header('ratelimit-remaining')) === 0) {
    spent = { resetSeconds: numberOf(header('ratelimit-reset')) };
  }
  if (spent === null) return null;
  if (spent.resetSeconds !== null) return spent.resetSeconds * 1000;
  const window = numberOf(parametersOf(header('ratelimit-policy') ?? '').get('w'));
  return window === null ? null : window * 1000;
}

/** `limit=10, remaining=0, reset=3`: spent when remaining is 0. */
function olderDraft(text: string): { resetSeconds: number | null } | null {
  const parameters = parametersOf(text);
  if (numberOf(parameters.get('remaining')) !== 0) return null;
  return { resetSeconds: numberOf(parameters.get('reset')) };
}

/** `"default";r=0;t=3, "daily";r=10;t=3600`: the spent items' longest `t`. */
function structuredDraft(text: string): { resetSeconds: number | null } | null {
  let spent = false;
  let longest: number | null = null;
  // Items are comma-separated; their parameters follow `;` (RFC 9651 lists).
  for (const item of text.split(',')) {
    const parameters = parametersOf(item.split(';').slice(1).join(';'));
    if (numberOf(parameters.get('r')) !== 0) continue;
    spent = true;
    const reset = numberOf(parameters.get('t'));
    if (reset !== null) longest = Math.max(reset, longest ?? 0);
  }
  return spent ? { resetSeconds: longest } : null;
}

/**
 * `X-RateLimit-Remaining: 0` with `X-RateLimit-Reset`: services write the
 * reset as epoch ms, epoch seconds or seconds from now; its size tells them
 * apart (no delay in seconds is as large as an epoch time). Null when the
 * budget is not spent or no reset is given.
 */
function xRateLimitMs(header: HeaderText, now: number): number | null {
  if (numberOf(header('x-ratelimit-remaining')) !== 0) return null;
  const reset = numberOf(header('x-ratelimit-reset'));
  if (reset === null) return null;
  if (reset > 1e12) return reset - now;
  if (reset > 1e9) return reset * 1000 - now;
  return reset * 1000;
}
