import { describe, expect, it } from 'vitest';
import {
  countFailed,
  replayAll,
  REPLAY_CONCURRENCY,
  type CallApi,
} from '../../console/src/bulk-replay.js';
/**
 * A refusal as the console's api-client throws it: the status, and the
 * API's sentence as `detail` (its 401 has none).
 */
function refusal(status: number, error: string, detail?: string): Error {
  return Object.assign(new Error(error), { status }, detail === undefined ? {} : { detail });
}

/** The list's filters as the URL gives them (`limit` is the list's page size). */
const FILTERS = {
  state: 'failed',
  queue: '',
  origin: '',
  status_code: '500',
  q: '/bulk',
  since: '',
  limit: '12',
};

const row = (queue: string, id: number, run = 1) => ({ queue, execution_id: id, run });

/** A fake API: `answer` decides each call's answer; every call is recorded. */
function fakeApi(answer: (path: string, method: string) => unknown) {
  const calls: string[] = [];
  const call = (async (path: string, init: { method?: string } = {}) => {
    const method = init.method ?? 'GET';
    calls.push(`${method} ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
    const answered = answer(path, method);
    if (answered instanceof Error) throw answered;
    return answered;
  }) as CallApi;
  return { call, calls };
}

describe("the console's bulk replay", () => {
  it('counts each failed execution the filters select once, over every page', async () => {
    const pages: Record<string, unknown> = {
      '': { executions: [row('a', 3), row('a', 2)], next_cursor: 'c1', source: 'redis' },
      c1: { executions: [], next_cursor: 'c2', source: 'redis' },
      c2: { executions: [row('b', 3), row('a', 3)], next_cursor: null, source: 'redis' },
    };
    const seen: number[] = [];
    const { call, calls } = fakeApi(
      (path) => pages[new URL(path, 'http://x').searchParams.get('cursor') ?? ''],
    );
    const counted = await countFailed(FILTERS, { call, onSeen: (n) => seen.push(n) });
    expect(counted).toEqual({
      targets: [
        { queue: 'a', id: '3' },
        { queue: 'a', id: '2' },
        { queue: 'b', id: '3' },
      ],
      notFailed: 0,
    });
    expect(seen).toEqual([2, 2, 3]);
    // The URL's own page size is not the count's: the largest page is asked for.
    const first = new URL(calls[0]!.slice('GET '.length), 'http://x');
    expect(first.pathname).toBe('/api/executions');
    expect(Object.fromEntries(first.searchParams)).toEqual({
      state: 'failed',
      status_code: '500',
      q: '/bulk',
      limit: '500',
    });
    expect(calls).toHaveLength(3);
  });

  it('with a history, keeps only those their queue still holds as failed', async () => {
    const page = {
      executions: [row('q', 1, 2), row('q', 1, 1), row('q', 2), row('q', 3)],
      next_cursor: null,
      source: 'history',
    };
    const { call, calls } = fakeApi((path) => {
      if (path.startsWith('/api/executions')) return page;
      if (path.endsWith('/1')) return { state: 'failed' };
      if (path.endsWith('/2')) return { state: 'completed' };
      return refusal(404, 'not found', 'execution 3 is not known');
    });
    expect(await countFailed(FILTERS, { call })).toEqual({
      targets: [{ queue: 'q', id: '1' }],
      notFailed: 2,
    });
    expect(calls.slice(1).sort()).toEqual([
      'GET /api/queues/q/tasks/1',
      'GET /api/queues/q/tasks/2',
      'GET /api/queues/q/tasks/3',
    ]);
  });

  it(`replays ${REPLAY_CONCURRENCY} at a time; a 409 is skipped with the API's sentence`, async () => {
    let inFlight = 0;
    let most = 0;
    const call = (async (path: string) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      if (path.includes('/tasks/7/')) {
        throw refusal(409, 'not failed', 'execution 7 is completed, not failed');
      }
      return { state: 'waiting' };
    }) as CallApi;
    const targets = Array.from({ length: 10 }, (_, i) => ({ queue: 'q', id: String(i + 1) }));
    const progress: number[] = [];
    const tally = await replayAll(targets, {
      call,
      onProgress: (t) => progress.push(t.replayed + t.skipped.length),
    });
    expect(tally).toEqual({
      total: 10,
      replayed: 9,
      skipped: [{ queue: 'q', id: '7', message: 'execution 7 is completed, not failed' }],
      errors: [],
    });
    expect(most).toBe(REPLAY_CONCURRENCY);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('stops at a refusal every other call would meet too (403, 401)', async () => {
    const refusals = [refusal(403, 'forbidden', 'needs admin'), refusal(401, 'unauthorized')];
    for (const refused of refusals) {
      const { call, calls } = fakeApi(() => refused);
      const targets = Array.from({ length: 20 }, (_, i) => ({ queue: 'q', id: String(i) }));
      const tally = await replayAll(targets, { call });
      expect(tally.replayed).toBe(0);
      expect(tally.stopped).toBe('detail' in refused ? 'needs admin' : 'unauthorized');
      // Only the calls already in flight when the first refusal came.
      expect(calls.length).toBeLessThanOrEqual(REPLAY_CONCURRENCY);
    }
  });

  it('starts no call once its signal is aborted', async () => {
    const stop = new AbortController();
    const { call, calls } = fakeApi(() => {
      stop.abort();
      return {};
    });
    const targets = Array.from({ length: 20 }, (_, i) => ({ queue: 'q', id: String(i) }));
    const tally = await replayAll(targets, { call, signal: stop.signal });
    expect(calls.length).toBeLessThanOrEqual(REPLAY_CONCURRENCY);
    expect(tally.replayed).toBe(calls.length);
  });
});
