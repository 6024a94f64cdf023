import { describe, expect, it } from 'vitest';
import { parseTask } from '../../shared/parse-task.js';
import { buildUrl } from '../../shared/task-url.js';

const urlOf = (input: Record<string, unknown>) => buildUrl(parseTask(input)).toString();

describe('buildUrl', () => {
  it('builds the TaskREST URL-parts example exactly', () => {
    expect(
      urlOf({
        hostname: 'httpbin.org',
        base_url: 'anything',
        url: 'some/path',
        params: { query: 'parameter' },
      }),
    ).toBe('https://httpbin.org/anything/some/path?query=parameter');
  });

  it('uses an absolute url as it is', () => {
    expect(urlOf({ url: 'https://api.example.com/jokes/random' })).toBe(
      'https://api.example.com/jokes/random',
    );
  });

  it('joins scheme, hostname with port, base_path and path', () => {
    expect(
      urlOf({ scheme: 'http', hostname: '127.0.0.1:8080', base_path: '/v1/', path: '/items' }),
    ).toBe('http://127.0.0.1:8080/v1/items');
  });

  it('appends base_path and path to an absolute url path', () => {
    expect(urlOf({ url: 'https://a.test/api', base_path: 'v2', path: 'users/' })).toBe(
      'https://a.test/api/v2/users/',
    );
  });

  it('appends params to an existing query, repeating list values and skipping null', () => {
    expect(
      urlOf({
        url: 'https://a.test/s?x=1',
        params: { q: 'a b&c', tag: ['t1', 't2'], n: 5, none: null },
      }),
    ).toBe('https://a.test/s?x=1&q=a+b%26c&tag=t1&tag=t2&n=5');
  });

  it('keeps a query written in a relative url', () => {
    expect(urlOf({ hostname: 'a.test', url: 'items?page=2', params: { size: 10 } })).toBe(
      'https://a.test/items?page=2&size=10',
    );
  });

  it('handles a bare hostname', () => {
    expect(urlOf({ hostname: 'a.test' })).toBe('https://a.test/');
  });
});
