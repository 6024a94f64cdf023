import { describe, expect, it } from 'vitest';
import { attemptsOf, parseLogLine } from '../../console/src/log-lines.js';
import { curlCommand } from '../../console/src/curl-command.js';

describe("the console's reading of an execution's log", () => {
  it('splits a line into its time and text; a line without a time keeps its text', () => {
    expect(parseLogLine('2026-01-02T03:04:05.678Z response HTTP 200 OK')).toEqual({
      at: '2026-01-02T03:04:05.678Z',
      text: 'response HTTP 200 OK',
    });
    expect(parseLogLine('no time here')).toEqual({ at: null, text: 'no time here' });
  });

  it('makes one attempt per retry, each ended by its reason, the last by the response', () => {
    const attempts = attemptsOf([
      '2026-01-02T03:04:05.000Z GET https://api.example/x',
      '2026-01-02T03:04:05.100Z retry 1 in 1.5 s after HTTP 503 Service Unavailable',
      '2026-01-02T03:04:06.600Z retry 2 in 0.5 s after ECONNRESET',
      '2026-01-02T03:04:08.000Z taken up again for retry 2',
      '2026-01-02T03:04:08.200Z response HTTP 200 OK',
    ]);
    expect(attempts.map((a) => [a.number, a.sentAt, a.outcome?.text])).toEqual([
      [1, '2026-01-02T03:04:05.000Z', 'HTTP 503 Service Unavailable'],
      // Due 1.5 s after the retry was planned.
      [2, '2026-01-02T03:04:06.600Z', 'ECONNRESET'],
      // Taken up from its park later than it was due: the logged time wins.
      [3, '2026-01-02T03:04:08.000Z', 'response HTTP 200 OK'],
    ]);
    expect(attempts.every((a) => a.request === 'GET https://api.example/x')).toBe(true);
  });

  it('keeps a hold as a note of the attempt it fell in; nothing before the request', () => {
    const attempts = attemptsOf([
      '2026-01-02T03:04:04.000Z task checked',
      '2026-01-02T03:04:05.000Z POST https://api.example/y',
      '2026-01-02T03:04:05.001Z held until 2026-01-02T03:04:07.000Z: rate limit',
    ]);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]?.outcome).toBeNull();
    expect(attempts[0]?.notes.map((n) => n.text)).toEqual([
      'held until 2026-01-02T03:04:07.000Z: rate limit',
    ]);
  });
});

describe("the console's timeline of parks and holds", () => {
  it('shows a parked retry: its reason as the outcome, parked until its time, one attempt when taken up again', () => {
    const attempts = attemptsOf([
      '2026-01-02T03:04:05.000Z GET https://api.example/x',
      '2026-01-02T03:04:05.100Z retry 1 in 60.0 s after HTTP 503 Service Unavailable: ' +
        'parked, the worker slot freed until 2026-01-02T03:05:05.100Z',
      '2026-01-02T03:05:06.000Z taken up again for retry 1',
      '2026-01-02T03:05:06.010Z GET https://api.example/x',
      '2026-01-02T03:05:06.200Z response HTTP 200 OK',
    ]);
    expect(attempts.map((a) => [a.number, a.sentAt, a.outcome?.text])).toEqual([
      [1, '2026-01-02T03:04:05.000Z', 'HTTP 503 Service Unavailable'],
      // The request line logged again by the worker that took it up: the same attempt, sent then.
      [2, '2026-01-02T03:05:06.010Z', 'response HTTP 200 OK'],
    ]);
    expect(attempts[1]?.notes).toEqual([
      { at: '2026-01-02T03:04:05.100Z', text: 'parked until 2026-01-02T03:05:05.100Z' },
    ]);
  });

  it('shows a hold that parked the first attempt with its time, and no extra attempt when taken up', () => {
    const attempts = attemptsOf([
      '2026-01-02T03:04:05.000Z GET https://api.example/x',
      '2026-01-02T03:04:05.001Z held until 2026-01-02T03:04:35.000Z: destination held ' +
        '(rate_limit): parked, the worker slot freed (no attempt used)',
      '2026-01-02T03:04:35.500Z taken up again after the hold',
      '2026-01-02T03:04:35.510Z GET https://api.example/x',
      '2026-01-02T03:04:35.700Z response HTTP 200 OK',
    ]);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      sentAt: '2026-01-02T03:04:35.510Z',
      outcome: { at: '2026-01-02T03:04:35.700Z', text: 'response HTTP 200 OK' },
    });
    expect(attempts[0]?.notes.map((n) => [n.at, n.text.slice(0, 35)])).toEqual([
      ['2026-01-02T03:04:05.001Z', 'held until 2026-01-02T03:04:35.000Z'],
      ['2026-01-02T03:04:35.500Z', 'taken up again after the hold'],
    ]);
  });

  it('shows a hold waited out in the worker slot as a note of its attempt', () => {
    const attempts = attemptsOf([
      '2026-01-02T03:04:05.000Z GET https://api.example/x',
      '2026-01-02T03:04:05.100Z retry 1 in 0.5 s after ECONNRESET',
      '2026-01-02T03:04:05.600Z held for 2.0 s: destination held (rate_limit): waiting in the worker slot',
      '2026-01-02T03:04:07.700Z response HTTP 200 OK',
    ]);
    expect(attempts.map((a) => a.outcome?.text)).toEqual(['ECONNRESET', 'response HTTP 200 OK']);
    expect(attempts[1]?.notes.map((n) => n.at)).toEqual(['2026-01-02T03:04:05.600Z']);
  });
});

describe("the console's Copy as curl", () => {
  it('writes the method unless GET, and quotes the URL for a shell', () => {
    expect(curlCommand('GET', 'https://a.example/?q=1&r=2')).toBe(
      "curl 'https://a.example/?q=1&r=2'",
    );
    expect(curlCommand('DELETE', "https://a.example/it's")).toBe(
      "curl -X DELETE 'https://a.example/it'\\''s'",
    );
  });
});
