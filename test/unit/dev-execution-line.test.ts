import { describe, expect, it } from 'vitest';
import { sentenceOf } from '../../cli/dev-execution-line.js';
import type { ExecutionRecord } from '../../shared/history/execution-record.js';

const COMPLETED: ExecutionRecord = {
  queue: 'default',
  execution_id: 3,
  run: 1,
  state: 'completed',
  method: 'GET',
  url: 'http://127.0.0.1:8080/items?token=%5BREDACTED%5D',
  origin: 'http://127.0.0.1:8080',
  status_code: 200,
  message: 'HTTP 200 OK',
  attempts: 1,
  enqueued_at: '2026-12-07T10:42:07.200Z',
  started_at: '2026-12-07T10:42:07.227Z',
  finished_at: '2026-12-07T10:42:07.311Z',
  duration_ms: 84,
};

/** taskrest dev's line per ended execution, on a terminal. */
describe('sentenceOf', () => {
  it('a completed execution: queue, id, method, URL, status code and duration', () => {
    expect(sentenceOf(COMPLETED)).toBe(
      'default #3 GET http://127.0.0.1:8080/items?token=%5BREDACTED%5D 200 in 84 ms',
    );
  });

  it('one that failed without a response says so, and why', () => {
    const failed = {
      ...COMPLETED,
      state: 'failed' as const,
      status_code: null,
      message: 'connect ECONNREFUSED 127.0.0.1:8080',
    };
    expect(sentenceOf(failed)).toBe(
      'default #3 GET http://127.0.0.1:8080/items?token=%5BREDACTED%5D no response in 84 ms, failed: connect ECONNREFUSED 127.0.0.1:8080',
    );
  });

  it('one cancelled before it ran says that nothing was sent', () => {
    const cancelled: ExecutionRecord = {
      ...COMPLETED,
      state: 'cancelled',
      method: null,
      url: null,
      origin: null,
      status_code: null,
      message: 'cancelled',
      started_at: null,
      duration_ms: null,
    };
    expect(sentenceOf(cancelled)).toBe('default #3 cancelled before any request: cancelled');
  });
});
