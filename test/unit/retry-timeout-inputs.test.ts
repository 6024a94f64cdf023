import { describe, expect, it } from 'vitest';
import { checkTask, parseTask } from '../../shared/parse-task.js';

/** The issues of a task that must be rejected, as path → message. */
function issuesOf(input: Record<string, unknown>): Record<string, string> {
  const result = checkTask({ url: 'https://api.test/', ...input });
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return Object.fromEntries(result.issues.map((i) => [i.path, i.message]));
}

const TIMEOUTS = ['connect_timeout', 'read_timeout', 'total_timeout'] as const;
const BACKOFF_KEYS = ['initial', 'maximum', 'multiplier', 'deadline'] as const;

describe('retry and timeout inputs', () => {
  it.each(TIMEOUTS)('%s: seconds >= 0, 0 and null disable it', (field) => {
    for (const value of [0, null, 0.25, 30]) {
      expect(parseTask({ url: 'https://api.test/', [field]: value })[field]).toBe(value);
    }
    for (const bad of [-1, -0.001, '5', true, [], {}]) {
      expect(issuesOf({ [field]: bad }), JSON.stringify(bad)).toEqual({
        [field]: 'expected a number of seconds >= 0, or null',
      });
    }
    expect(issuesOf({ [field]: 86_401 })).toEqual({ [field]: 'expected at most 86400 seconds' });
  });

  it.each(BACKOFF_KEYS)('retry_backoff.%s: a number, not negative', (key) => {
    const min = key === 'multiplier' ? 1 : 0;
    for (const bad of [-1, '2', null, true, [1]]) {
      expect(issuesOf({ retry_backoff: { [key]: bad } }), JSON.stringify(bad)).toEqual({
        [`retry_backoff.${key}`]: `expected a number >= ${min}`,
      });
    }
  });

  it('retry_backoff.multiplier: under 1 would shrink the waits', () => {
    expect(issuesOf({ retry_backoff: { multiplier: 0.99 } })).toEqual({
      'retry_backoff.multiplier': 'expected a number >= 1',
    });
    expect(issuesOf({ retry_backoff: { multiplier: 0 } })).toEqual({
      'retry_backoff.multiplier': 'expected a number >= 1',
    });
    expect(parseTask({ url: 'https://a.test/', retry_backoff: { multiplier: 1 } })).toMatchObject({
      retry_backoff: { multiplier: 1 },
    });
  });

  it('retry_backoff: an object of known keys only', () => {
    expect(issuesOf({ retry_backoff: { initial: 1, deadlines: 5, max: 3 } })).toEqual({
      'retry_backoff.deadlines': 'unknown input',
      'retry_backoff.max': 'unknown input',
    });
    for (const bad of [5, 'fast', [1, 2], null]) {
      expect(issuesOf({ retry_backoff: bad }), JSON.stringify(bad)).toEqual({
        retry_backoff: 'expected an object with initial, maximum, multiplier, deadline',
      });
    }
  });

  it('retry_backoff: the TaskREST default values and the edges are accepted', () => {
    const task = parseTask({
      url: 'https://a.test/',
      retry_backoff: { initial: 0, maximum: 0, multiplier: 1, deadline: 0 },
    });
    expect(task.retry_backoff).toEqual({ initial: 0, maximum: 0, multiplier: 1, deadline: 0 });
  });

  it('retry_status_code: a list of HTTP status codes', () => {
    expect(parseTask({ url: 'https://a.test/', retry_status_code: [] }).retry_status_code).toEqual(
      [],
    );
    expect(issuesOf({ retry_status_code: 503 })).toEqual({
      retry_status_code: 'expected a list of HTTP status codes',
    });
    expect(issuesOf({ retry_status_code: '503' })).toEqual({
      retry_status_code: 'expected a list of HTTP status codes',
    });
    expect(issuesOf({ retry_status_code: [503, '504', 99, 600, 502.5, -503] })).toEqual({
      'retry_status_code.1': 'expected an HTTP status code (100-599)',
      'retry_status_code.2': 'expected an HTTP status code (100-599)',
      'retry_status_code.3': 'expected an HTTP status code (100-599)',
      'retry_status_code.4': 'expected an HTTP status code (100-599)',
      'retry_status_code.5': 'expected an HTTP status code (100-599)',
    });
  });

  it('names every bad retry and timeout input of one task at once', () => {
    expect(
      Object.keys(
        issuesOf({
          connect_timeout: -1,
          read_timeout: 'slow',
          total_timeout: false,
          retry_backoff: { initial: -1, multiplier: 0.5, maximum: 'x', deadline: -5 },
          retry_status_code: ['503'],
        }),
      ).sort(),
    ).toEqual([
      'connect_timeout',
      'read_timeout',
      'retry_backoff.deadline',
      'retry_backoff.initial',
      'retry_backoff.maximum',
      'retry_backoff.multiplier',
      'retry_status_code.0',
      'total_timeout',
    ]);
  });
});
