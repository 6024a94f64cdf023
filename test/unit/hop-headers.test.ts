import { describe, expect, it } from 'vitest';
import { parseTask } from '../../shared/parse-task.js';
import { ExecutionCookies } from '../../worker/executor/request/cookies.js';
import { baseHeaders, withCookies } from '../../worker/executor/request/hop-headers.js';
import { fixedBody } from '../../worker/executor/request/request-body.js';

describe('baseHeaders', () => {
  it('puts the body’s headers first; a task header of the same name, in any case, replaces it', () => {
    const task = parseTask({
      url: 'http://api.test/',
      headers: { 'Content-Type': 'application/vnd.test+json', 'X-Trace': 1 },
    });
    expect(baseHeaders(task, fixedBody('{}', 'application/json'))).toEqual({
      'content-length': '2',
      'Content-Type': 'application/vnd.test+json',
      'X-Trace': '1',
    });
  });

  it('is the task’s headers alone without a body', () => {
    const task = parseTask({ url: 'http://api.test/', headers: { Accept: 'text/plain' } });
    expect(baseHeaders(task, null)).toEqual({ Accept: 'text/plain' });
  });
});

describe('withCookies', () => {
  const url = new URL('http://api.test/items');

  it('leaves the headers as they are when the jar has nothing for the URL', async () => {
    const headers = { Cookie: 'own=1' };
    expect(await withCookies(headers, url, new ExecutionCookies())).toBe(headers);
  });

  it('sends the jar’s cookies after the task’s own, the jar’s value winning', async () => {
    const cookies = new ExecutionCookies();
    await cookies.store(['session=abc; Path=/', 'own=server'], url);
    const headers = { cookie: 'own=1; theme=dark', Accept: '*/*' };
    expect(await withCookies(headers, url, cookies)).toEqual({
      Accept: '*/*',
      Cookie: 'theme=dark; session=abc; own=server',
    });
    expect(headers).toEqual({ cookie: 'own=1; theme=dark', Accept: '*/*' });
  });
});
