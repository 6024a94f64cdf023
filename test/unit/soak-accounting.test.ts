/**
 * The soak's accounting: every execution once in Redis and in the history
 * with the runs it should have, the target's requests as the ledger says,
 * at-least-once allowed only for executions a fault exposed.
 */
import { describe, expect, it } from 'vitest';
import { kindCycle, retentionFor } from '../../bench/soak/soak-feed.js';
import {
  account,
  requestsProblem,
  stalledOut,
  type AccountingInput,
  type Entry,
  type HistoryOf,
} from '../../bench/soak/soak-accounting.js';

const entry = (over: Partial<Entry> = {}): Entry => ({
  kind: 'ok',
  expectFinal: 'completed',
  expectRuns: 1,
  expectLastState: 'completed',
  expectRequests: 1,
  seen: 'completed',
  twice: 0,
  exposed: 0,
  ...over,
});
const history = (runs: number[], lastState: string, attempts: number): HistoryOf => ({
  runs,
  lastState,
  message: lastState === 'completed' ? 'HTTP 200 OK' : 'HTTP 500',
  attempts,
});

type Input = AccountingInput & {
  ledger: Map<string, Entry>;
  history: Map<string, HistoryOf>;
  requests: Map<string, number>;
};

function input(
  over: Partial<
    Pick<AccountingInput, 'scheduleRequests' | 'unknownInRedis' | 'badSignatures'>
  > = {},
): Input {
  return {
    ledger: new Map([
      ['ok-0', entry()],
      ['retry-1', entry({ kind: 'retry', expectRequests: 3 })],
      ['replay-2', entry({ kind: 'replay', expectRuns: 2, expectRequests: 2 })],
      [
        'cancel-delayed-3',
        entry({
          kind: 'cancel_delayed',
          expectFinal: 'absent',
          expectRuns: 0,
          expectLastState: undefined,
          expectRequests: 0,
          seen: undefined,
        }),
      ],
      ['circuit-4', entry({ kind: 'circuit', expectRequests: undefined })],
      ['repeat:soak-schedule:1', entry({ kind: 'scheduled', expectRequests: undefined })],
    ]),
    history: new Map([
      ['ok-0', history([1], 'completed', 1)],
      ['retry-1', history([1], 'completed', 3)],
      ['replay-2', history([1, 2], 'completed', 2)],
      ['circuit-4', history([1], 'completed', 7)],
      ['repeat:soak-schedule:1', history([1], 'completed', 1)],
    ]),
    requests: new Map([
      ['ok-0', 1],
      ['retry-1', 3],
      ['replay-2', 2],
      ['circuit-4', 7],
    ]),
    scheduleRequests: 1,
    unknownInRedis: [],
    failedReasons: new Map(),
    badSignatures: 0,
    ...over,
  };
}

describe('account', () => {
  it('passes when Redis, the history and the target agree with the ledger', () => {
    const report = account(input());
    expect(report.examples).toEqual([]);
    expect(report.verdict).toBe('pass');
    expect(report.executions).toBe(6);
    expect(report.historyRows).toBe(6);
    expect(report.requests).toBe(14);
    expect(report.byKind.replay).toEqual({ replayed: 1 });
    expect(report.byKind.cancel_delayed).toEqual({ removed: 1 });
  });

  it('finds an execution in the wrong final state, or in both final sets', () => {
    const given = input();
    Object.assign(given.ledger.get('ok-0') ?? {}, { seen: 'failed', twice: 1 });
    const report = account({ ...given, failedReasons: new Map([['ok-0', 'stalled']]) });
    expect(report.verdict).toBe('mismatch');
    expect(report.examples).toEqual([
      'ok-0: Redis failed (stalled), expected completed',
      "ok-0: in Redis's completed and failed sets at once",
    ]);
  });

  it('finds a history run missing, doubled, or in the wrong state', () => {
    const missing = input();
    missing.history.set('replay-2', history([2], 'completed', 1));
    expect(account(missing).examples[0]).toBe('replay-2: history runs [2], expected [1,2]');
    const doubled = input();
    doubled.history.set('ok-0', history([1, 1], 'completed', 2));
    expect(account(doubled).examples[0]).toBe('ok-0: history runs [1,1], expected [1]');
    const failed = input();
    failed.history.set('ok-0', history([1], 'failed', 1));
    expect(account(failed).examples).toEqual([
      'ok-0: history failed (HTTP 500), expected completed',
    ]);
  });

  it('finds a removed execution that is in the history after all, and one the ledger never had', () => {
    const given = input();
    given.history.set('cancel-delayed-3', history([1], 'completed', 1));
    given.history.set('stranger', history([1], 'completed', 1));
    expect(account(given).examples).toEqual([
      'cancel-delayed-3: history runs [1], expected []',
      'cancel-delayed-3: history attempts 1, expected 0',
      'stranger: in the history, not in the ledger',
    ]);
  });

  it('finds requests the target saw that the ledger does not account for', () => {
    const given = input();
    given.requests.set('retry-1', 4);
    expect(account(given).examples).toEqual(['retry-1: target saw 4 requests, expected 3']);
  });

  it('counts the schedule requests against the history of its runs', () => {
    expect(account(input({ scheduleRequests: 2 })).examples).toEqual([
      'schedule: target saw 2 requests, history 1',
    ]);
  });

  it('reports unknown executions in Redis and callbacks with bad signatures', () => {
    const report = account(input({ unknownInRedis: ['x-1', 'x-2'], badSignatures: 1 }));
    expect(report.examples).toEqual([
      'x-1: in Redis, not in the ledger',
      'x-2: in Redis, not in the ledger',
      '1 callbacks with a bad signature',
    ]);
  });
});

describe('requestsProblem', () => {
  const h = history([1], 'completed', 3);

  it('takes exactly the expected count from an execution no fault touched', () => {
    expect(requestsProblem('x', entry({ expectRequests: 3 }), h, 3)).toEqual({ extra: 0 });
    expect(requestsProblem('x', entry({ expectRequests: 3 }), h, 4).problem).toBeDefined();
  });

  it('checks the history attempts against the expected requests', () => {
    const answer = requestsProblem('x', entry({ expectRequests: 2 }), h, 2);
    expect(answer.problem).toBe('x: history attempts 3, expected 2');
  });

  it('allows one more run of requests for an exposed execution, and counts them', () => {
    const exposed = entry({ expectRequests: 3, exposed: 1 });
    expect(requestsProblem('x', exposed, h, 5)).toEqual({ extra: 2 });
    expect(requestsProblem('x', exposed, h, 6)).toEqual({ extra: 3 });
    expect(requestsProblem('x', exposed, h, 7).problem).toBe(
      'x: target saw 7 requests, expected 3 (+3 after a kill)',
    );
    expect(requestsProblem('x', exposed, h, 2).problem).toBeDefined();
  });

  it('takes the history attempts as the count where the ledger has none (an open circuit holds)', () => {
    const circuit = entry({ kind: 'circuit', expectRequests: undefined });
    expect(requestsProblem('x', circuit, h, 3)).toEqual({ extra: 0 });
    expect(requestsProblem('x', circuit, h, 2).problem).toBe(
      'x: target saw 2 requests, expected 3',
    );
  });
});

describe('stalledOut', () => {
  const reason = 'job stalled more than allowable limit';

  it('takes a failure by the stalled check only from an execution cut twice or more', () => {
    expect(stalledOut(entry({ seen: 'failed', exposed: 2 }), reason)).toBe(true);
    expect(stalledOut(entry({ seen: 'failed', exposed: 1 }), reason)).toBe(false);
    expect(stalledOut(entry({ seen: 'failed', exposed: 2 }), 'HTTP 500')).toBe(false);
  });

  it('counts it apart, and still wants its failed run in the history', () => {
    const given = input();
    Object.assign(given.ledger.get('retry-1') ?? {}, { seen: 'failed', exposed: 2 });
    given.requests.set('retry-1', 2);
    given.history.delete('retry-1');
    const report = account({ ...given, failedReasons: new Map([['retry-1', reason]]) });
    expect(report.byKind.retry).toEqual({ 'stalled out': 1 });
    expect(report.examples).toEqual(['retry-1: history runs [], expected [1]']);
    given.history.set('retry-1', history([1], 'failed', 1));
    const recorded = account({ ...given, failedReasons: new Map([['retry-1', reason]]) });
    expect(recorded.examples).toEqual([]);
  });
});

describe('the feed', () => {
  it('mixes 100 tasks a cycle, each kind spread through it', () => {
    const cycle = kindCycle();
    const count = (kind: string) => cycle.filter((k) => k === kind).length;
    expect(cycle).toHaveLength(100);
    expect([count('ok'), count('retry'), count('callback'), count('cancel_parked')]).toEqual([
      62, 10, 8, 2,
    ]);
    expect(cycle.slice(0, 10).filter((k) => k !== 'ok').length).toBeLessThan(5);
  });

  it('keeps the deployed retention in a long run, and less in a short one', () => {
    expect(retentionFor(120, 1800)).toEqual({ completed: 10_000, failed: 720 });
    expect(retentionFor(120, 180)).toEqual({ completed: 3240, failed: 72 });
  });
});
