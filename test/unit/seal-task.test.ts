import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactHeaders, redactTask, redactUrl } from '../../shared/redact.js';
import { createKeyRing } from '../../shared/secrets/key-ring.js';
import { SealedDataError } from '../../shared/errors/sealed-data-error.js';
import { sealTask, unsealTask } from '../../shared/secrets/seal-task.js';

const ring = (secretKey: Buffer, oldSecretKeys: Buffer[] = []) =>
  createKeyRing({ secretKey, oldSecretKeys });

describe('sealTask / unsealTask', () => {
  const keys = ring(randomBytes(32));
  const key = keys.current!;
  const task = {
    url: 'https://user:pw-secret@api.example/x?page=2&access_token=tok-secret',
    headers: { Authorization: 'Bearer auth-secret', 'X-Api-Key': 'key-secret', Accept: 'a/b' },
    cookies: { session: 'cookie-secret', theme: 'dark' },
    params: { api_key: ['p1-secret', 'p2-secret'], q: 'visible' },
    urlencoded: { client_secret: 'form-secret', grant_type: 'client_credentials' },
    path: 'items?sig=sig-secret',
    json: { kept: true },
  };

  it('leaves placeholders in the task and the values only in the sealed box', () => {
    const { task: stored, sealed } = sealTask(task, key);
    const text = JSON.stringify({ stored, sealed });
    expect(text).not.toMatch(/-secret/);
    expect(stored).toMatchObject({
      url: 'https://REDACTED@api.example/x?page=2&access_token=%5BREDACTED%5D',
      headers: { Authorization: REDACTED, 'X-Api-Key': REDACTED, Accept: 'a/b' },
      cookies: { session: REDACTED, theme: REDACTED },
      params: { api_key: REDACTED, q: 'visible' },
      urlencoded: { client_secret: REDACTED, grant_type: 'client_credentials' },
      path: 'items?sig=%5BREDACTED%5D',
      json: { kept: true },
    });
    expect(sealed?.kid).toBe(key.id);
    expect(unsealTask(stored, sealed, keys)).toEqual(task);
  });

  it('seals nothing when there is no secret', () => {
    const plain = { url: 'https://api.example/x?page=1', headers: { Accept: 'a/b' } };
    expect(sealTask(plain, key)).toEqual({ task: plain });
  });

  it('opens with an old key, and refuses unknown keys and altered boxes', () => {
    const { task: stored, sealed } = sealTask(task, key);
    expect(unsealTask(stored, sealed, ring(randomBytes(32), [key.key]))).toEqual(task);
    expect(() => unsealTask(stored, sealed, ring(randomBytes(32)))).toThrow(
      new RegExp(`sealed with key ${key.id}, which this worker does not have`),
    );
    const altered = { ...sealed!, data: Buffer.from('{"headers":{}}').toString('base64') };
    expect(() => unsealTask(stored, altered, keys)).toThrow(SealedDataError);
    expect(() => unsealTask(stored, { v: 1 }, keys)).toThrow(/malformed/);
  });
});

describe('redaction of URLs and headers', () => {
  it('redacts relative URLs, fragments and URL-valued response headers', () => {
    expect(redactUrl('/cb?code=abc&state=1')).toBe('/cb?code=%5BREDACTED%5D&state=1');
    expect(redactUrl('https://app.example/cb#access_token=abc&x=1')).toBe(
      'https://app.example/cb#access_token=%5BREDACTED%5D&x=1',
    );
    expect(redactUrl('/plain/path?page=1')).toBe('/plain/path?page=1');
    expect(
      redactHeaders({ location: 'https://a.example/cb?code=abc', 'set-cookie': 's=1' }),
    ).toEqual({ location: 'https://a.example/cb?code=%5BREDACTED%5D', 'set-cookie': REDACTED });
  });

  it('redacts a URL object as its text, and gives one with nothing to redact back as it is', () => {
    for (const text of [
      'https://user:pw@api.example/a?x=1',
      'https://api.example/a?api_key=k&x=1',
      'https://api.example/cb#access_token=t',
      'https://api.example/a?page=2',
      'https://api.example/plain/path',
      'http://127.0.0.1:8080/',
    ]) {
      expect(redactUrl(new URL(text))).toBe(redactUrl(text));
    }
    expect(redactUrl(new URL('https://api.example/plain/path'))).toBe(
      'https://api.example/plain/path',
    );
    expect(redactUrl(new URL('https://user:pw@api.example/'))).not.toContain('pw');
  });

  it('redacts form fields and relative paths of a task shown on the dashboard', () => {
    expect(
      redactTask({
        hostname: 'api.example',
        url: 'items?api_key=k',
        urlencoded: { password: 'p', user: 'u' },
      }),
    ).toEqual({
      hostname: 'api.example',
      url: 'items?api_key=%5BREDACTED%5D',
      urlencoded: { password: REDACTED, user: 'u' },
    });
  });
});
