import { describe, expect, it } from 'vitest';
import { checkTask } from '../../shared/parse-task.js';

function issuesOf(input: unknown): Record<string, string> {
  const result = checkTask(input);
  if (result.ok) throw new Error('expected the task to be rejected');
  return Object.fromEntries(result.issues.map((i) => [i.path, i.message]));
}

/** URL user info becomes Basic authorization: with another Authorization source, one would silently win. */
describe('two credentials for the Authorization header', () => {
  it('refuses URL user info together with headers.Authorization, naming both', () => {
    const issues = issuesOf({
      url: 'https://user:pw@api.example/x',
      headers: { Authorization: 'Bearer t' },
    });
    expect(issues.url).toBe(
      'has user info (user:password@) and headers.Authorization is set too: two credentials for the Authorization header; set only one',
    );
  });

  it('refuses URL user info together with a grant', () => {
    expect(issuesOf({ url: 'https://user@api.example/x', grant: 'api' }).url).toMatch(
      /user info .* and grant is set too: two credentials/,
    );
  });

  it('accepts URL user info alone, and an Authorization header alone', () => {
    expect(checkTask({ url: 'https://user:pw@api.example/x' }).ok).toBe(true);
    expect(
      checkTask({ url: 'https://api.example/x', headers: { authorization: 'Bearer t' } }).ok,
    ).toBe(true);
  });

  it('a path with @ under hostname is not user info', () => {
    expect(
      checkTask({
        hostname: 'api.example',
        url: 'users/a@b',
        headers: { Authorization: 'Bearer t' },
      }).ok,
    ).toBe(true);
  });
});
