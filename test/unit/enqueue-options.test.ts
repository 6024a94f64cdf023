import { describe, expect, it } from 'vitest';
import { checkEnqueueOptions } from '../../shared/enqueue-options.js';
import { forReplay, META_KEY, splitJobData, withCancelMark } from '../../shared/job-envelope.js';
import { jobTimingOf } from '../../producer/job-timing.js';

describe('enqueue options', () => {
  it('query text and JSON numbers alike; issues named after the item index', () => {
    expect(checkEnqueueOptions({ delay: '1.5', priority: '3' })).toEqual({
      ok: true,
      options: { delay: 1.5, priority: 3 },
    });
    expect(checkEnqueueOptions({ priority: 0, colour: 'x' }, '4')).toEqual({
      ok: false,
      issues: [
        { path: '4.priority', message: 'expected 1 (highest) or more' },
        { path: '4.colour', message: 'unknown option' },
      ],
    });
  });

  it('the library: runAt in the past is at once, delay and runAt not both', () => {
    const now = Date.now();
    expect(jobTimingOf({ runAt: '2000-01-01T00:00:00Z' }, now)).toEqual({ delay: 0 });
    expect(jobTimingOf({ runAt: new Date(now + 1500), priority: 2 }, now)).toEqual({
      delay: 1500,
      priority: 2,
    });
    expect(() => jobTimingOf({ delay: 10, runAt: new Date(now) }, now)).toThrow(/runAt/);
  });
});

describe('replayed job data', () => {
  it('keeps the task and who enqueued it; drops a parked execution and a cancel mark; counts the run', () => {
    const parked = { firstAttemptAt: 1, dueAt: 2, retry: 1, attempts: 1, retries: 0, log: [] };
    const data = withCancelMark(
      { url: 'https://example.com/', [META_KEY]: { user: 'alice', parked } },
      { by: 'api', at: 3 },
    );
    expect(splitJobData(data).meta).toMatchObject({ user: 'alice', cancelled: { by: 'api' } });
    expect(forReplay(data)).toEqual({
      url: 'https://example.com/',
      [META_KEY]: { user: 'alice', run: 2 },
    });
    const again = forReplay({ url: 'https://example.com/', [META_KEY]: { parked, run: 2 } });
    expect(again).toEqual({ url: 'https://example.com/', [META_KEY]: { run: 3 } });
  });
});
