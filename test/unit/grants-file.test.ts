import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/errors/config-error.js';
import { checkTask } from '../../shared/parse-task.js';
import { loadGrantsFile } from '../../worker/executor/grants/grants-file.js';
import { deriveGrantKeys, seal, unseal } from '../../worker/executor/grants/token-crypto.js';

const dir = mkdtempSync(join(tmpdir(), 'taskrest-grants-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function fileWith(content: unknown): string {
  const path = join(dir, `g${++n}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const good = {
  type: 'client_credentials',
  token_url: 'https://auth.example/oauth/token',
  client_id: 'id',
  client_secret: 'the-secret',
};

function problemOf(content: unknown): string {
  try {
    loadGrantsFile(fileWith(content));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the file to be refused');
}

describe('loadGrantsFile', () => {
  it('has no grants without GRANTS_FILE', () => {
    expect(loadGrantsFile(undefined).size).toBe(0);
  });

  it('reads grants of both types, with defaults', () => {
    const grants = loadGrantsFile(
      fileWith({
        a: { ...good, scope: 'x y', audience: 'https://api.example' },
        'b.refresh-2': { ...good, type: 'refresh_token', refresh_token: 'rt', client_auth: 'body' },
      }),
    );
    expect([...grants.keys()]).toEqual(['a', 'b.refresh-2']);
    expect(grants.get('a')).toEqual({
      ...good,
      client_auth: 'basic',
      scope: 'x y',
      audience: 'https://api.example',
    });
    expect(grants.get('b.refresh-2')?.client_auth).toBe('body');
  });

  it('names the bad entry and field, never a value', () => {
    const message = problemOf({
      ok: good,
      bad: { ...good, type: 'password', client_secret: '', extra: 'the-secret' },
    });
    expect(message).toMatch(/^invalid configuration: GRANTS_FILE .*g\d+\.json: /);
    expect(message).toContain(
      'grant "bad" type: expected one of client_credentials, refresh_token',
    );
    expect(message).toContain('grant "bad" client_secret: expected a client secret');
    expect(message).toMatch(/grant "bad": .*extra/);
    expect(message).not.toContain('the-secret');
    expect(message).not.toContain('"ok"');
  });

  it('requires a refresh_token for type refresh_token, and an http(s) token_url', () => {
    expect(problemOf({ r: { ...good, type: 'refresh_token' } })).toContain(
      'grant "r" refresh_token: required for type refresh_token',
    );
    expect(problemOf({ u: { ...good, token_url: 'ftp://auth.example/token' } })).toContain(
      'grant "u" token_url: expected an absolute http:// or https:// URL',
    );
  });

  it('refuses odd grant names, a non-object, bad JSON and a missing file', () => {
    expect(problemOf({ 'a b': good })).toContain('grant names are letters, digits');
    expect(problemOf([good])).toContain('expected an object of grants');
    expect(problemOf('{"a": ')).toMatch(/: not valid JSON$/);
    expect(() => loadGrantsFile(join(dir, 'missing.json'))).toThrow(/missing\.json: ENOENT/);
  });
});

describe('token cache encryption', () => {
  const grant = { ...good, client_auth: 'basic' as const };

  it('round-trips, bound to its key name', () => {
    const { sealKey } = deriveGrantKeys('a', grant, grant.client_secret, undefined);
    const sealed = seal(sealKey, 'token-value', 'k1');
    expect(sealed).not.toContain('token-value');
    expect(unseal(sealKey, sealed, 'k1')).toBe('token-value');
    expect(unseal(sealKey, sealed, 'k2')).toBeNull();
  });

  it('derives the key from TASKREST_SECRET_KEY when set, else from the client secret', () => {
    const fromSecret = deriveGrantKeys('a', grant, grant.client_secret, undefined);
    const fromKey = deriveGrantKeys('a', grant, grant.client_secret, Buffer.alloc(32, 7));
    const sealed = seal(fromKey.sealKey, 'token-value', 'k');
    expect(unseal(fromSecret.sealKey, sealed, 'k')).toBeNull();
    expect(unseal(deriveGrantKeys('a', grant, 'x', Buffer.alloc(32, 7)).sealKey, sealed, 'k')).toBe(
      'token-value',
    );
  });

  it('gives a changed grant configuration a new cache', () => {
    const before = deriveGrantKeys('a', grant, grant.client_secret, undefined).fingerprint;
    const same = deriveGrantKeys('a', { ...grant }, grant.client_secret, undefined).fingerprint;
    const changed = deriveGrantKeys(
      'a',
      { ...grant, scope: 'more' },
      grant.client_secret,
      undefined,
    );
    expect(same).toBe(before);
    expect(changed.fingerprint).not.toBe(before);
  });
});

describe('task inputs that set Authorization', () => {
  const issuesOf = (task: unknown) => {
    const result = checkTask(task);
    return result.ok ? [] : result.issues;
  };

  it('refuses two of grant, pass_user_token and an Authorization header', () => {
    expect(issuesOf({ url: 'https://a.example/', grant: 'g', pass_user_token: true })).toEqual([
      {
        path: 'pass_user_token',
        message: 'cannot be combined with grant: both set the Authorization header',
      },
    ]);
    expect(
      issuesOf({ url: 'https://a.example/', grant: 'g', headers: { authorization: 'Basic x' } }),
    ).toEqual([
      {
        path: 'headers.authorization',
        message: 'cannot be combined with grant: both set the Authorization header',
      },
    ]);
  });

  it('accepts each alone', () => {
    expect(issuesOf({ url: 'https://a.example/', grant: 'g' })).toEqual([]);
    expect(issuesOf({ url: 'https://a.example/', pass_user_token: true })).toEqual([]);
    expect(issuesOf({ url: 'https://a.example/', headers: { Authorization: 'Basic x' } })).toEqual(
      [],
    );
  });
});
