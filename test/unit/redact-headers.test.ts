import { describe, expect, it } from 'vitest';
import { isSensitiveHeader, REDACTED, redactHeaders } from '../../shared/redact.js';

describe('which header values are secrets', () => {
  it.each([
    'Authorization',
    'Proxy-Authorization',
    'Cookie',
    'Set-Cookie',
    'X-Api-Key',
    'api-key',
    'apikey',
    'X-Goog-Api-Key',
    'x-auth-token',
    'X-Amz-Security-Token',
    'x-client-secret',
    'X-Session-Id',
    'X-Hub-Signature-256',
    'X-Client-Credentials',
    'x-credential',
    'X-Auth',
    'x-jwt-assertion',
  ])('%s is a secret', (name) => {
    expect(isSensitiveHeader(name)).toBe(true);
    expect(redactHeaders({ [name]: 'v' })).toEqual({ [name]: REDACTED });
  });

  it.each([
    'Access-Control-Allow-Credentials',
    'access-control-allow-headers',
    'Access-Control-Expose-Headers',
    'Content-Type',
    'WWW-Authenticate',
    'X-Request-Id',
  ])('%s is not a secret', (name) => {
    expect(isSensitiveHeader(name)).toBe(false);
  });

  it('shows Access-Control-Allow-Credentials: true as it is', () => {
    expect(
      redactHeaders({ 'access-control-allow-credentials': 'true', authorization: 'Bearer x' }),
    ).toEqual({ 'access-control-allow-credentials': 'true', authorization: REDACTED });
  });

  it('keeps a header named __proto__ as a header, and sets no prototype', () => {
    const shown = redactHeaders(
      JSON.parse('{"__proto__": {"polluted": 1}, "x": "1"}') as Record<string, unknown>,
    );
    expect(Object.getPrototypeOf(shown)).toBe(Object.prototype);
    expect(Object.keys(shown)).toEqual(['__proto__', 'x']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
