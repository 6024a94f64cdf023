import { describe, expect, it } from 'vitest';
import { destinationSignal } from '../../worker/runtime/gate/destination-signals.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const MAX = 300_000;

const signal = (status: number | null, headers: Record<string, unknown> | null, max = MAX) =>
  destinationSignal(status, headers, NOW, max);

describe('destinationSignal', () => {
  it('holds for Retry-After seconds on a 429 and a 503', () => {
    expect(signal(429, { 'retry-after': '7' })).toEqual({
      holdMs: 7000,
      reason: 'Retry-After after HTTP 429',
    });
    expect(signal(503, { 'retry-after': '2' })).toEqual({
      holdMs: 2000,
      reason: 'Retry-After after HTTP 503',
    });
  });

  it('holds until a Retry-After HTTP date', () => {
    const date = new Date(NOW + 90_000).toUTCString();
    expect(signal(429, { 'retry-after': date })).toEqual({
      holdMs: 90_000,
      reason: 'Retry-After after HTTP 429',
    });
  });

  it('ignores Retry-After on other statuses (a 301 may carry one)', () => {
    expect(signal(301, { 'retry-after': '30' })).toBeNull();
  });

  it('reads the structured RateLimit header, the longest spent policy winning', () => {
    expect(signal(200, { ratelimit: '"default";r=0;t=3' })).toEqual({
      holdMs: 3000,
      reason: 'RateLimit header',
    });
    expect(signal(200, { ratelimit: '"minute";r=0;t=20, "day";r=0;t=50, "x";r=4;t=900' })).toEqual({
      holdMs: 50_000,
      reason: 'RateLimit header',
    });
    expect(signal(200, { ratelimit: '"default";r=5;t=3' })).toBeNull();
  });

  it('reads the older RateLimit form', () => {
    expect(signal(200, { ratelimit: 'limit=10, remaining=0, reset=4' })).toEqual({
      holdMs: 4000,
      reason: 'RateLimit header',
    });
    expect(signal(200, { ratelimit: 'limit=10, remaining=3, reset=4' })).toBeNull();
  });

  it('reads separate RateLimit-Remaining and RateLimit-Reset', () => {
    expect(signal(200, { 'ratelimit-remaining': '0', 'ratelimit-reset': '6' })).toEqual({
      holdMs: 6000,
      reason: 'RateLimit header',
    });
    expect(signal(200, { 'ratelimit-remaining': '1', 'ratelimit-reset': '6' })).toBeNull();
  });

  it("waits the policy's window when a spent budget gives no reset", () => {
    expect(
      signal(200, { 'ratelimit-remaining': '0', 'ratelimit-policy': '"default";q=100;w=60' }),
    ).toEqual({ holdMs: 60_000, reason: 'RateLimit header' });
    expect(signal(200, { ratelimit: '"default";r=0', 'ratelimit-policy': '10;w=5' })).toEqual({
      holdMs: 5000,
      reason: 'RateLimit header',
    });
    expect(signal(200, { 'ratelimit-remaining': '0' })).toBeNull();
  });

  it('reads X-RateLimit-Reset as epoch ms, epoch seconds or seconds from now', () => {
    const reason = 'X-RateLimit headers';
    const spent = (reset: string) =>
      signal(200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset });
    expect(spent(String(NOW + 12_000))).toEqual({ holdMs: 12_000, reason });
    expect(spent(String(NOW / 1000 + 30))).toEqual({ holdMs: 30_000, reason });
    expect(spent('8')).toEqual({ holdMs: 8000, reason });
  });

  it('holds on a 200 whose X-RateLimit-Remaining is 0, not while some remain', () => {
    expect(signal(200, { 'x-ratelimit-remaining': 0, 'x-ratelimit-reset': '2' })).toEqual({
      holdMs: 2000,
      reason: 'X-RateLimit headers',
    });
    expect(signal(200, { 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '2' })).toBeNull();
  });

  it('caps holds at the longest allowed', () => {
    expect(signal(429, { 'retry-after': '86400' }, 60_000)).toEqual({
      holdMs: 60_000,
      reason: 'Retry-After after HTTP 429',
    });
    expect(signal(200, { ratelimit: '"d";r=0;t=9999' }, 1000)).toEqual({
      holdMs: 1000,
      reason: 'RateLimit header',
    });
  });

  it('holds nothing for a reset in the past', () => {
    const past = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW - 5000) };
    expect(signal(200, past)).toBeNull();
    expect(
      signal(200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 - 5) }),
    ).toBeNull();
    expect(signal(429, { 'retry-after': new Date(NOW - 60_000).toUTCString() })).toBeNull();
  });

  it('calls a 429 without any of these headers rejected', () => {
    expect(signal(429, {})).toEqual({ rejected: true });
    expect(signal(429, null)).toEqual({ rejected: true });
    expect(signal(429, { 'retry-after': 'soon' })).toEqual({ rejected: true });
  });

  it('says nothing for plain answers and failures without a response', () => {
    expect(signal(200, { 'content-type': 'text/plain' })).toBeNull();
    expect(signal(503, {})).toBeNull();
    expect(signal(null, null)).toBeNull();
  });

  it('takes header values given as arrays', () => {
    expect(signal(429, { 'retry-after': ['3'] })).toEqual({
      holdMs: 3000,
      reason: 'Retry-After after HTTP 429',
    });
  });
});
