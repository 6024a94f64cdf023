import { describe, expect, it } from 'vitest';
import { parseApiTokens } from '../../api/api-tokens.js';
import { assertCredentialsForHost, isLoopbackHost } from '../../api/exposure-check.js';
import { safeEqual } from '../../api/safe-equal.js';
import { ConfigError } from '../../shared/errors/config-error.js';

describe('API_TOKENS', () => {
  it('names holders with name:token and numbers bare tokens', () => {
    expect(parseApiTokens(['billing:abc', 'xyz', 'ops.team@x:t:with:colons'])).toEqual([
      { identity: 'billing', token: 'abc' },
      { identity: 'token:2', token: 'xyz' },
      { identity: 'ops.team@x', token: 't:with:colons' },
    ]);
  });
});

describe('safeEqual', () => {
  it('compares whole values, whatever their lengths', () => {
    expect(safeEqual('secret', 'secret')).toBe(true);
    expect(safeEqual('secret', 'secreT')).toBe(false);
    expect(safeEqual('secret', 'secret ')).toBe(false);
    expect(safeEqual('', 'secret')).toBe(false);
  });
});

describe('credentials on a reachable address', () => {
  it('knows loopback addresses', () => {
    for (const host of [
      '127.0.0.1',
      '127.1.2.3',
      'localhost',
      '::1',
      '[::1]',
      '::ffff:127.0.0.1',
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of [
      '0.0.0.0',
      '::',
      '10.0.0.1',
      '128.0.0.1',
      'example.com',
      '127.example.com',
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('requires API_TOKENS and dashboard credentials off loopback, naming the missing ones', () => {
    const open = { apiTokens: [], dashboardUser: undefined, dashboardPassword: undefined };
    expect(() => assertCredentialsForHost({ host: '127.0.0.1', ...open })).not.toThrow();
    expect(() => assertCredentialsForHost({ host: '0.0.0.0', ...open })).toThrow(ConfigError);
    expect(() => assertCredentialsForHost({ host: '0.0.0.0', ...open })).toThrow(
      /API_TOKENS, DASHBOARD_USER, DASHBOARD_PASSWORD must be set/,
    );
    expect(() =>
      assertCredentialsForHost({ host: '::', ...open, apiTokens: ['t'], dashboardUser: 'u' }),
    ).toThrow(/so DASHBOARD_PASSWORD must be set/);
    expect(() =>
      assertCredentialsForHost({
        host: '0.0.0.0',
        apiTokens: ['t'],
        dashboardUser: 'u',
        dashboardPassword: 'p',
      }),
    ).not.toThrow();
  });
});
