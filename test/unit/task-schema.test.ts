import { describe, expect, it } from 'vitest';
import { checkTask, parseTask } from '../../shared/parse-task.js';
import { InvalidTaskError } from '../../shared/errors/invalid-task-error.js';
import { taskJsonSchema } from '../../shared/task-schema.js';

function issuesOf(input: unknown): Record<string, string> {
  const result = checkTask(input);
  if (result.ok) throw new Error('expected the task to be rejected');
  return Object.fromEntries(result.issues.map((i) => [i.path, i.message]));
}

describe('task schema', () => {
  it('applies every TaskREST default', () => {
    const task = parseTask({ url: 'https://api.example.com/jokes/random' });
    expect(task).toMatchObject({
      allow_redirects: true,
      expected_status_code: [200, 201, 202, 204],
      max_redirects: 10,
      method: 'get',
      pass_user_token: false,
      retry_backoff: { initial: 1, maximum: 60, multiplier: 2, deadline: 600 },
      retry_status_code: [502, 503, 504],
      scheme: 'https',
      verify_ssl: true,
      base_path: null,
    });
    expect('json' in task && task.json !== undefined).toBe(false);
  });

  it('folds base_url into base_path and accepts the TaskREST URL-parts example', () => {
    const task = parseTask({
      hostname: 'httpbin.org',
      base_url: 'anything',
      url: 'some/path',
      params: { query: 'parameter' },
    });
    expect(task.base_path).toBe('anything');
    expect(task).not.toHaveProperty('base_url');
  });

  it('fills missing retry_backoff keys with the TaskREST defaults', () => {
    const task = parseTask({ url: 'http://a.test/', retry_backoff: { initial: 3 } });
    expect(task.retry_backoff).toEqual({ initial: 3, maximum: 60, multiplier: 2, deadline: 600 });
  });

  it('accepts a method in any case and stores it in lower case', () => {
    expect(parseTask({ url: 'http://a.test/', method: 'POST' }).method).toBe('post');
  });

  it('names every offending field at once', () => {
    const issues = issuesOf({
      url: 'https://a.test/',
      retry_backoff: { multiplier: 0.5, initial: -1 },
      connect_timeout: -1,
      read_timeout: 'soon',
      method: 'fetch',
      max_redirects: 1.5,
      expected_status_code: [200, 700],
      verify_ssl: 'yes',
      scheme: 'ftp',
    });
    expect(issues).toMatchObject({
      'retry_backoff.multiplier': 'expected a number >= 1',
      'retry_backoff.initial': 'expected a number >= 0',
      connect_timeout: 'expected a number of seconds >= 0, or null',
      read_timeout: 'expected a number of seconds >= 0, or null',
      method: expect.stringContaining('expected one of get, post'),
      max_redirects: 'expected an integer >= 0',
      'expected_status_code.1': 'expected an HTTP status code (100-599)',
      verify_ssl: 'expected true or false',
      scheme: 'expected "http" or "https"',
    });
  });

  it('rejects unknown inputs with a hint', () => {
    expect(issuesOf({ url: 'https://a.test/', methd: 'get', bogus: 1 })).toEqual({
      methd: 'unknown input (did you mean method?)',
      bogus: 'unknown input',
    });
    expect(issuesOf({ url: 'https://a.test/', retry_backoff: { inital: 1 } })).toHaveProperty(
      'retry_backoff.inital',
    );
  });

  it('requires url or hostname', () => {
    expect(issuesOf({ method: 'get' })).toEqual({ url: 'either url or hostname must be set' });
  });

  it('rejects a relative url without hostname and an absolute url with hostname', () => {
    expect(issuesOf({ url: 'some/path' }).url).toMatch(/absolute/);
    expect(issuesOf({ hostname: 'a.test', url: 'https://b.test/x' }).url).toMatch(/path/);
  });

  it('allows at most one body input, naming each', () => {
    const issues = issuesOf({ url: 'https://a.test/', json: {}, text: 'x' });
    expect(Object.keys(issues).sort()).toEqual(['json', 'text']);
    expect(issues.json).toMatch(/at most one body input/);
    // A JSON body of null is still a body (the connector's json defaults to NotSet, not None).
    expect(Object.keys(issuesOf({ url: 'https://a.test/', json: null, data: 1 })).sort()).toEqual([
      'data',
      'json',
    ]);
  });

  it('rejects CR, LF and NUL in header names and values', () => {
    expect(issuesOf({ url: 'https://a.test/', headers: { 'X-A': 'a\r\nInjected: 1' } })).toEqual({
      'headers.X-A': 'must not contain CR, LF or NUL',
    });
    expect(Object.keys(issuesOf({ url: 'https://a.test/', headers: { 'X-A\n': 'a' } }))).toEqual([
      'headers.X-A\n',
    ]);
    expect(issuesOf({ url: 'https://a.test/', headers: { 'X-B': 'a\0' } })).toHaveProperty(
      'headers.X-B',
    );
  });

  it('accepts a hostname with a port, and rejects one with a path', () => {
    expect(parseTask({ hostname: '127.0.0.1:8080', scheme: 'http' }).hostname).toBe(
      '127.0.0.1:8080',
    );
    expect(issuesOf({ hostname: 'a.test/x' })).toHaveProperty('hostname');
  });

  it('checks multipart parts', () => {
    const issues = issuesOf({
      url: 'https://a.test/',
      multipart: { parts: [{ name: 'a' }, { name: 'b', value: 'x', file: 'y' }, { value: 'x' }] },
    });
    expect(issues).toMatchObject({
      'multipart.parts.0': 'a part needs exactly one of value or file',
      'multipart.parts.1': 'a part needs exactly one of value or file',
      'multipart.parts.2.name': 'expected a string',
    });
  });

  describe('multipart rules (refused at enqueue, not first in the worker)', () => {
    const multipartIssues = (multipart: unknown) =>
      issuesOf({ url: 'https://a.test/', method: 'post', multipart });

    it("keeps the connector's documented multipart examples valid", () => {
      expect(
        checkTask({
          url: 'https://httpbin.org/post',
          method: 'POST',
          multipart: {
            parts: [
              { name: 'string-field', value: 'spam & eggs' },
              { name: 'file', file: 'report.txt' },
            ],
          },
        }).ok,
      ).toBe(true);
      expect(
        checkTask({
          url: 'https://httpbin.org/post',
          method: 'POST',
          multipart: {
            'content-type': 'application/my-custom-content-type',
            boundary: 'my-custom-boundary',
            parts: [
              {
                name: 'string-field',
                value: '<pre>spam & eggs</pre>',
                'content-type': 'text/html',
                'content-disposition': false,
                'content-length': false,
              },
              {
                name: 'file',
                file: 'report.txt',
                'content-disposition': 'form-data; filename="report.txt"',
              },
            ],
          },
        }).ok,
      ).toBe(true);
    });

    it('keeps other legal multipart inputs valid', () => {
      for (const multipart of [
        { boundary: "it's: here", parts: [] },
        { 'content-type': 'multipart/related; boundary=abc; type="text/xml"', parts: [] },
        { 'content-type': 'multipart/related; boundary="a b"', boundary: 'a b', parts: [] },
        { parts: [{ name: 'a"b\r\nX-Evil: 1', value: 'v', 'content-length': 1 }] },
        { parts: [{ name: 'a', value: 'v', 'content-length': '1' }] },
        { boundary: 'b', parts: [{ name: 'a', value: 'x-b--c' }] },
        { parts: [{ name: 'bin', file: 'data/all-bytes.bin' }] },
      ]) {
        expect(checkTask({ url: 'https://a.test/', multipart }), JSON.stringify(multipart)).toEqual(
          expect.objectContaining({ ok: true }),
        );
      }
    });

    it('refuses CR, LF or NUL in the request content-type', () => {
      expect(multipartIssues({ 'content-type': 'multipart/mixed\nX: 1', parts: [] })).toEqual({
        'multipart.content-type': 'must not contain CR, LF or NUL',
      });
      expect(multipartIssues({ 'content-type': 'multipart/mixed\0', parts: [] })).toEqual({
        'multipart.content-type': 'must not contain CR, LF or NUL',
      });
    });

    it('refuses CR, LF or NUL in each part header override', () => {
      expect(
        multipartIssues({
          parts: [
            { name: 'a', value: 'v', 'content-type': 'text/plain\r\nX-Evil: 1' },
            { name: 'b', value: 'v', 'content-disposition': 'form-data\n' },
            { name: 'c', value: 'v', 'content-length': '1\r\nX: 1' },
            { name: 'd', value: 'v', 'content-disposition': 'x\0' },
          ],
        }),
      ).toEqual({
        'multipart.parts.0.content-type': 'must not contain CR, LF or NUL',
        'multipart.parts.1.content-disposition': 'must not contain CR, LF or NUL',
        'multipart.parts.2.content-length': 'must not contain CR, LF or NUL',
        'multipart.parts.3.content-disposition': 'must not contain CR, LF or NUL',
      });
    });

    it('refuses file names the files resource would refuse', () => {
      expect(
        multipartIssues({
          parts: [
            { name: 'a', file: '../etc/passwd' },
            { name: 'b', file: 'x\r\ny' },
            { name: 'c', file: 'x\0' },
            { name: 'd', file: '/abs' },
            { name: 'e', file: 'a\\b' },
            { name: 'f', file: '' },
            { name: 'g', file: 'x'.repeat(256) },
          ],
        }),
      ).toEqual({
        'multipart.parts.0.file': 'a file name must not contain a ".." segment',
        'multipart.parts.1.file': 'a file name must not contain CR or LF',
        'multipart.parts.2.file': 'a file name must not contain NUL',
        'multipart.parts.3.file': 'a file name must not start with "/"',
        'multipart.parts.4.file': 'a file name must not contain a backslash',
        'multipart.parts.5.file': 'a file name must not be empty',
        'multipart.parts.6.file': 'a file name must be at most 255 characters',
      });
    });

    it('refuses an illegal boundary (RFC 2046)', () => {
      expect(multipartIssues({ boundary: 'b ', parts: [] })).toEqual({
        'multipart.boundary': 'must not end with a space (RFC 2046)',
      });
      expect(multipartIssues({ boundary: '', parts: [] })).toEqual({
        'multipart.boundary': 'expected 1-70 boundary characters (RFC 2046)',
      });
      expect(multipartIssues({ boundary: 'x'.repeat(71), parts: [] })).toEqual({
        'multipart.boundary': 'expected 1-70 boundary characters (RFC 2046)',
      });
      expect(multipartIssues({ boundary: 'a;b', parts: [] })).toEqual({
        'multipart.boundary': 'expected 1-70 boundary characters (RFC 2046)',
      });
    });

    it('refuses an illegal boundary inside the content-type', () => {
      expect(
        multipartIssues({ 'content-type': 'multipart/mixed; boundary="ends with "', parts: [] }),
      ).toEqual({
        'multipart.content-type': 'boundary: must not end with a space (RFC 2046)',
      });
      expect(
        multipartIssues({
          'content-type': `multipart/mixed; boundary=${'x'.repeat(71)}`,
          parts: [],
        }),
      ).toEqual({
        'multipart.content-type': 'boundary: expected 1-70 boundary characters (RFC 2046)',
      });
    });

    it('refuses a boundary that differs from the one in the content-type', () => {
      expect(
        multipartIssues({
          'content-type': 'multipart/mixed; boundary=c',
          boundary: 'b',
          parts: [],
        }),
      ).toEqual({ 'multipart.boundary': 'differs from the boundary in multipart.content-type' });
    });

    it('refuses a value part that contains the given boundary', () => {
      expect(
        multipartIssues({
          boundary: 'b',
          parts: [
            { name: 'ok', value: 'fine' },
            { name: 'a', value: 'x\r\n--b--\r\n' },
          ],
        }),
      ).toEqual({ 'multipart.parts.1.value': 'contains the multipart boundary' });
      expect(
        multipartIssues({
          'content-type': 'multipart/related; boundary=abc',
          parts: [{ name: 'a', value: '--abc' }],
        }),
      ).toEqual({ 'multipart.parts.0.value': 'contains the multipart boundary' });
    });
  });

  it('says a task must be an object', () => {
    expect(issuesOf([1])).toEqual({ '': 'a task must be a JSON object' });
    expect(() => parseTask('x')).toThrow(InvalidTaskError);
  });

  it('produces a JSON schema of the inputs', () => {
    const schema = taskJsonSchema();
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties as object)).toContain('retry_backoff');
  });
});
