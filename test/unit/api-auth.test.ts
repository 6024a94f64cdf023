import { describe, expect, it } from 'vitest';
import { parseApiTokens } from '../../api/api-tokens.js';
import { scopeAllows, scopeOfRoute } from '../../api/route-scope.js';
import { assertCredentialsForHost, isLoopbackHost } from '../../api/exposure-check.js';
import { safeEqual } from '../../api/safe-equal.js';
import { ConfigError } from '../../shared/errors/config-error.js';

describe('API_TOKENS', () => {
  it('names holders with name:token and numbers bare tokens', () => {
    expect(parseApiTokens(['billing:abc', 'xyz', 'ops.team@x:t:with:colons'])).toEqual([
      { identity: 'billing', token: 'abc', scope: 'admin' },
      { identity: 'token:2', token: 'xyz', scope: 'admin' },
      { identity: 'ops.team@x', token: 't:with:colons', scope: 'admin' },
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

describe('token scopes', () => {
  it('reads name:token:scope; no scope is admin; a colon inside a named token stays', () => {
    expect(
      parseApiTokens(['reports:abc:read', 'svc:def:enqueue', 'ops:ghi:admin', 'old:jkl', 'bare']),
    ).toEqual([
      { identity: 'reports', token: 'abc', scope: 'read' },
      { identity: 'svc', token: 'def', scope: 'enqueue' },
      { identity: 'ops', token: 'ghi', scope: 'admin' },
      { identity: 'old', token: 'jkl', scope: 'admin' },
      { identity: 'token:5', token: 'bare', scope: 'admin' },
    ]);
    expect(parseApiTokens(['x:a:b:read:admin'])).toEqual([
      { identity: 'x', token: 'a:b:read', scope: 'admin' },
    ]);
  });

  it('GET is read, POST of a task or bulk is enqueue, every other change is admin', () => {
    expect(scopeOfRoute('GET', '/api/queues/:queue')).toBe('read');
    expect(scopeOfRoute('HEAD', '/api/tasks/:id')).toBe('read');
    for (const route of [
      '/api/tasks',
      '/api/tasks/bulk',
      '/api/queues/:queue/tasks',
      '/api/queues/:queue/tasks/bulk',
    ]) {
      expect(scopeOfRoute('POST', route), route).toBe('enqueue');
    }
    expect(scopeOfRoute('POST', '/api/tasks/:id/retry')).toBe('admin');
    expect(scopeOfRoute('POST', '/api/queues/:queue/retry')).toBe('admin');
    expect(scopeOfRoute('DELETE', '/api/tasks/:id')).toBe('admin');
    expect(scopeOfRoute('PUT', '/api/files/:name')).toBe('admin');
    expect(scopeOfRoute('POST', undefined)).toBe('admin');
  });

  it('admin may do what enqueue may, enqueue what read may; never the other way', () => {
    expect(scopeAllows('admin', 'enqueue')).toBe(true);
    expect(scopeAllows('enqueue', 'read')).toBe(true);
    expect(scopeAllows('read', 'enqueue')).toBe(false);
    expect(scopeAllows('enqueue', 'admin')).toBe(false);
  });
});
