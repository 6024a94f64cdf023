/**
 * The soak's accounting: what it expects of every execution it enqueued (or
 * that a schedule or a callback made), compared with what Redis, the history
 * and the target saw. Pure: the run gathers the inputs.
 */

/** What a soak execution was made to do. */
export type Kind =
  | 'ok'
  | 'retry'
  | 'parked'
  | 'circuit'
  | 'replay'
  | 'fail'
  | 'callback'
  | 'cancel_delayed'
  | 'cancel_parked'
  | 'delivery'
  | 'scheduled';

/** A final state as the accounting sees it: absent when the execution was removed. */
export type FinalState = 'completed' | 'failed' | 'absent';

/** One execution in the ledger, updated as the run goes. */
export interface Entry {
  kind: Kind;
  /** Final state in Redis it should end in. */
  expectFinal: FinalState;
  /** History rows (runs) it should have: 0 when removed, 2 when replayed once. */
  expectRuns: number;
  /** The history state of its last run (`cancelled` for a cancelled one). */
  expectLastState?: 'completed' | 'failed' | 'cancelled';
  /** Requests the target must see; undefined: as many as the history's attempts (an open circuit holds some). */
  expectRequests?: number;
  /** Final state the Redis scans last saw it in. */
  seen?: 'completed' | 'failed';
  /** Times a scan found it in the completed and the failed set at once. */
  twice: number;
  /**
   * How many faults found it active (a worker killed, Redis stopped): each may
   * have cut a run that then ran again from the start.
   */
  exposed: number;
}

/** One execution's rows in the history. */
export interface HistoryOf {
  readonly runs: number[];
  readonly lastState: string;
  /** The last run's message (shown with a mismatch). */
  readonly message: string;
  readonly attempts: number;
}

/** Everything the accounting compares. */
export interface AccountingInput {
  readonly ledger: ReadonlyMap<string, Entry>;
  readonly history: ReadonlyMap<string, HistoryOf>;
  /** Requests the target saw per execution id (for deliveries: callbacks the receiver got). */
  readonly requests: ReadonlyMap<string, number>;
  /** Requests the target saw for the schedule's task, all runs together. */
  readonly scheduleRequests: number;
  /** Ids found in Redis's final sets that the ledger does not know. */
  readonly unknownInRedis: readonly string[];
  /** BullMQ's failedReason of executions found failed that should not have failed. */
  readonly failedReasons: ReadonlyMap<string, string>;
  /** Callbacks whose signature did not verify. */
  readonly badSignatures: number;
}

/** What the accounting found. */
export interface AccountingReport {
  readonly verdict: 'pass' | 'mismatch';
  readonly executions: number;
  readonly byKind: Record<string, Record<string, number>>;
  readonly historyRows: number;
  readonly requests: number;
  /** Requests above the ledger's count, each of an execution exposed to a kill or a Redis stop. */
  readonly redelivered: number;
  readonly exposed: number;
  readonly mismatches: number;
  /** The first mismatches, described. */
  readonly examples: string[];
}

const MAX_EXAMPLES = 24;
/** BullMQ's failedReason for a job recovered from dead workers more than TASKREST_MAX_STALLED_COUNT times. */
const STALLED_OUT = /stalled more than allowable limit/;

/**
 * True for an execution cut by two faults or more and then failed by BullMQ's
 * stalled check, as TASKREST_MAX_STALLED_COUNT (1) says it does: its Redis
 * state is failed; its history must still hold it.
 */
export function stalledOut(e: Entry, reason: string | undefined): boolean {
  return e.exposed >= 2 && e.seen === 'failed' && STALLED_OUT.test(reason ?? '');
}
const EXAMPLES_PER_KIND = 3;

function stateProblems(
  id: string,
  e: Entry,
  h: HistoryOf | undefined,
  reason: string | undefined,
): string[] {
  const problems: string[] = [];
  const seen = e.seen ?? 'absent';
  if (stalledOut(e, reason)) {
    if (h && h.lastState !== 'failed') problems.push(`${id}: history ${h.lastState}, stalled out`);
    const runs = h?.runs.join(',') ?? '';
    if (runs !== '1') problems.push(`${id}: history runs [${runs}], expected [1]`);
    return problems;
  }
  if (seen !== e.expectFinal) {
    const why = reason === undefined ? '' : ` (${reason})`;
    problems.push(`${id}: Redis ${seen}${why}, expected ${e.expectFinal}`);
  }
  if (e.twice > 0) problems.push(`${id}: in Redis's completed and failed sets at once`);
  const runs = h?.runs ?? [];
  const wanted = Array.from({ length: e.expectRuns }, (_, i) => i + 1).join(',');
  const got = [...runs].sort((a, b) => a - b).join(',');
  if (got !== wanted) problems.push(`${id}: history runs [${got}], expected [${wanted}]`);
  if (h && e.expectLastState && h.lastState !== e.expectLastState) {
    problems.push(`${id}: history ${h.lastState} (${h.message}), expected ${e.expectLastState}`);
  }
  return problems;
}

/**
 * The requests check: unexposed, exactly the expected count (or the
 * history's attempts); exposed, at least that and at most one more run's
 * worth (at-least-once delivery after a kill -9 or a Redis stop).
 * Answers the problem, if any, and the requests above the expected count.
 */
export function requestsProblem(
  id: string,
  e: Entry,
  h: HistoryOf | undefined,
  seen: number,
): { problem?: string; extra: number } {
  const attempts = h?.attempts ?? 0;
  const expected = e.expectRequests ?? attempts;
  if (h && e.expectRequests !== undefined && !e.exposed && attempts !== expected) {
    return { problem: `${id}: history attempts ${attempts}, expected ${expected}`, extra: 0 };
  }
  if (!e.exposed) {
    return seen === expected
      ? { extra: 0 }
      : { problem: `${id}: target saw ${seen} requests, expected ${expected}`, extra: 0 };
  }
  const perRun = Math.max(expected, attempts, 1);
  if (seen < Math.min(expected, attempts) || seen > expected + perRun * e.exposed) {
    return {
      problem: `${id}: target saw ${seen} requests, expected ${expected} (+${perRun * e.exposed} after a kill)`,
      extra: 0,
    };
  }
  return { extra: Math.max(0, seen - expected) };
}

function outcomeOf(e: Entry, h: HistoryOf | undefined, reason: string | undefined): string {
  if (stalledOut(e, reason)) return 'stalled out';
  if (e.expectFinal === 'absent') return 'removed';
  if (e.expectRuns > 1) return 'replayed';
  return h?.lastState ?? e.seen ?? 'missing';
}

/** Compares everything; a mismatch anywhere makes the verdict `mismatch`. */
export function account(input: AccountingInput): AccountingReport {
  const examples: string[] = [];
  let mismatches = 0;
  let redelivered = 0;
  let exposed = 0;
  let requests = 0;
  let scheduleAttempts = 0;
  let scheduleExposed = 0;
  const byKind: Record<string, Record<string, number>> = {};
  const perKind = new Map<string, number>();
  // A few examples of each kind, so that one kind's many mismatches do not hide another's.
  const note = (problem: string, kind = 'other') => {
    mismatches++;
    const n = perKind.get(kind) ?? 0;
    perKind.set(kind, n + 1);
    if (n < EXAMPLES_PER_KIND && examples.length < MAX_EXAMPLES) examples.push(problem);
  };
  for (const [id, e] of input.ledger) {
    const h = input.history.get(id);
    const reason = input.failedReasons.get(id);
    const kind = (byKind[e.kind] ??= {});
    const outcome = outcomeOf(e, h, reason);
    kind[outcome] = (kind[outcome] ?? 0) + 1;
    if (e.exposed > 0) exposed++;
    for (const p of stateProblems(id, e, h, reason)) note(p, e.kind);
    if (e.kind === 'scheduled') {
      scheduleAttempts += h?.attempts ?? 0;
      scheduleExposed += e.exposed;
      continue;
    }
    const seen = input.requests.get(id) ?? 0;
    requests += seen;
    const { problem, extra } = requestsProblem(id, e, h, seen);
    if (problem) note(problem, e.kind);
    redelivered += extra;
  }
  requests += input.scheduleRequests;
  const scheduleExtra = input.scheduleRequests - scheduleAttempts;
  if (scheduleExtra < 0 || scheduleExtra > scheduleExposed) {
    note(`schedule: target saw ${input.scheduleRequests} requests, history ${scheduleAttempts}`);
  } else redelivered += scheduleExtra;
  for (const id of input.history.keys()) {
    if (!input.ledger.has(id)) note(`${id}: in the history, not in the ledger`);
  }
  for (const id of input.unknownInRedis) note(`${id}: in Redis, not in the ledger`, 'unknown');
  if (input.badSignatures > 0) note(`${input.badSignatures} callbacks with a bad signature`);
  let historyRows = 0;
  for (const h of input.history.values()) historyRows += h.runs.length;
  return {
    verdict: mismatches === 0 ? 'pass' : 'mismatch',
    executions: input.ledger.size,
    byKind,
    historyRows,
    requests,
    redelivered,
    exposed,
    mismatches,
    examples,
  };
}
