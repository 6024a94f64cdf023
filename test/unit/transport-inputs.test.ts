import { describe, expect, it } from 'vitest';
import { checkTask, parseTask } from '../../shared/parse-task.js';

/**
 * Inputs the transport would refuse (or silently misread) are refused at
 * enqueue, naming the field: header values outside Latin-1, connection and
 * framing headers, ports outside 1-65535, timeouts that round to "off".
 */
function issuesOf(input: Record<string, unknown>): Record<string, string> {
  const result = checkTask({ url: 'https://api.test/', ...input });
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return Object.fromEntries(result.issues.map((i) => [i.path, i.message]));
}

describe('inputs the transport cannot send', () => {
  it('refuses header and cookie values outside Latin-1, keeps Latin-1 ones', () => {
    const latin1 =
      'must contain only Latin-1 characters (encode others, e.g. percent-encoding or RFC 8187)';
    expect(issuesOf({ headers: { 'X-Name': 'Grüße ✓' } })).toEqual({ 'headers.X-Name': latin1 });
    expect(issuesOf({ headers: { 'X-Emoji': '😀' } })).toEqual({ 'headers.X-Emoji': latin1 });
    expect(issuesOf({ cookies: { c: 'π' } })).toEqual({ 'cookies.c': latin1 });
    expect(parseTask({ url: 'https://api.test/', headers: { 'X-Name': 'Grüße' } }).headers).toEqual(
      { 'X-Name': 'Grüße' },
    );
  });

  it.each([
    'Content-Length',
    'transfer-encoding',
    'Connection',
    'Host',
    'Keep-Alive',
    'Upgrade',
    'TE',
    'Trailer',
    'Expect',
    'Proxy-Connection',
  ])('refuses the connection or framing header %s', (name) => {
    expect(issuesOf({ headers: { [name]: '1' } })).toEqual({
      [`headers.${name}`]:
        'is set by taskrest from the URL and the body (connection and framing header)',
    });
  });

  it('refuses ports outside 1-65535 in url and hostname', () => {
    const range = 'the port must be between 1 and 65535';
    expect(issuesOf({ url: 'http://127.0.0.1:99999/' })).toEqual({ url: range });
    expect(issuesOf({ url: 'http://127.0.0.1:0/' })).toEqual({ url: range });
    expect(issuesOf({ url: 'http://user@[::1]:70000/x' })).toEqual({ url: range });
    expect(issuesOf({ url: undefined, hostname: 'a.test:0' })).toEqual({ hostname: range });
    expect(issuesOf({ url: undefined, hostname: '127.0.0.1:65536' })).toEqual({ hostname: range });
    expect(parseTask({ url: 'http://127.0.0.1:65535/' }).url).toBe('http://127.0.0.1:65535/');
    expect(parseTask({ url: 'http://127.0.0.1:1/' }).url).toBe('http://127.0.0.1:1/');
    expect(parseTask({ hostname: '[::1]:8080', scheme: 'http' }).hostname).toBe('[::1]:8080');
  });

  it('refuses a URL that does not parse', () => {
    expect(issuesOf({ url: 'http://exa mple.test/' })).toHaveProperty('url');
    expect(issuesOf({ url: 'http://[::1/' })).toEqual({ url: 'is not a valid URL' });
  });

  it.each(['connect_timeout', 'read_timeout', 'total_timeout'] as const)(
    '%s: a positive value under 1 ms is refused, not rounded to "off"',
    (field) => {
      expect(issuesOf({ [field]: 0.0004 })).toEqual({
        [field]: 'expected 0 (no limit) or at least 0.001 seconds (1 ms)',
      });
      expect(parseTask({ url: 'https://api.test/', [field]: 0.001 })[field]).toBe(0.001);
      expect(parseTask({ url: 'https://api.test/', [field]: 0 })[field]).toBe(0);
    },
  );
});

describe('JSON bodies', () => {
  const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

  it('accepts nesting up to 1000 levels, refuses deeper, for json and data', () => {
    expect(parseTask({ url: 'https://api.test/', json: nested(1000) }).json).toBeDefined();
    expect(issuesOf({ json: nested(1001) })).toEqual({ json: 'nested deeper than 1000 levels' });
    expect(issuesOf({ data: nested(50_000) })).toEqual({ data: 'nested deeper than 1000 levels' });
    const objects = JSON.parse(`${'{"a":'.repeat(1001)}1${'}'.repeat(1001)}`) as unknown;
    expect(issuesOf({ json: objects })).toEqual({ json: 'nested deeper than 1000 levels' });
  });
});
