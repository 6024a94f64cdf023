/**
 * The history benchmark's records, made the way a worker makes them
 * (buildRecord: URL redacted, the task's credential scrubbed, the output's
 * text capped), with a mix close to production: 20 queues, 50 origins (a
 * few busy, many quiet: origin ⌊50·r²⌋), 80 % completed, 15 % failed, 5 %
 * cancelled, status codes by outcome, 10 % under a flow key, 5 % from a
 * schedule, URLs of 80–100 characters, failure messages of 60–110, and an
 * output of about 600 bytes. Record `n` of `count` ends in time order over
 * the `days` days before `now`, as a week of workers' records arrives.
 * Deterministic: record `n` is the same in every run.
 */
import { buildRecord } from '../shared/history/build-record.js';
import type { ExecutionRecord } from '../shared/history/execution-record.js';
import type { TaskOutput } from '../shared/output.js';

const DAY_MS = 86_400_000;
const QUEUES = 20;
const ORIGINS = 50;
const METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE'] as const;
const COMPLETED_CODES = [200, 200, 200, 201, 204] as const;
const FAILED_CODES = [500, 502, 503, 404, 429, 400] as const;
const FAILURES = [
  'upstream timeout from the payment gateway',
  'connection reset by peer',
  'order not found',
  'rate limited, retry later',
  'invalid request body: missing field customer_id',
  'service unavailable',
] as const;

/** The task every record ran: its bearer token is what buildRecord scrubs. */
const TASK = { headers: { authorization: 'Bearer s3cr3t-token-for-the-bench-0123456789' } };

/** The origin with index `i` (0–49), as a record holds it. */
export function benchOrigin(i: number): string {
  return `https://api-${i}.example.com:443`;
}

/** The queue with index `i` (0–19). */
export function benchQueue(i: number): string {
  return `queue-${i}`;
}

/** Every queue the records go to. */
export const BENCH_QUEUES: readonly string[] = Array.from({ length: QUEUES }, (_, i) =>
  benchQueue(i),
);

/** A uniform number in [0, 1) drawn from (n, k) alone (a 32-bit integer hash). */
export function draw(n: number, k: number): number {
  let x = (Math.imul(n, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca77)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return ((x ^ (x >>> 16)) >>> 0) / 2 ** 32;
}

type State = 'completed' | 'failed' | 'cancelled';

function stateOf(r: number): State {
  return r < 0.8 ? 'completed' : r < 0.95 ? 'failed' : 'cancelled';
}

function codeOf(state: State, n: number): number | null {
  if (state === 'completed') return COMPLETED_CODES[n % 5]!;
  return state === 'failed' ? FAILED_CODES[n % 6]! : null;
}

function messageOf(state: State, n: number, code: number | null, attempts: number): string {
  if (state === 'completed') return 'OK';
  if (state === 'cancelled') return 'Cancelled while waiting for the response';
  return `Request failed with status code ${code} after ${attempts} attempts: ${FAILURES[n % 6]}`;
}

function outputOf(n: number, state: State, url: string, method: string): TaskOutput {
  const code = codeOf(state, n);
  const message = messageOf(state, n, code, 1 + (n % 3));
  return {
    execution_id: n,
    status: state === 'completed' ? 'success' : 'error',
    message,
    status_code: code,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      date: 'Sun, 06 Dec 2026 10:00:00 GMT',
      'x-request-id': n.toString(16).padStart(32, '0'),
    },
    text: `{"id":"ord-${n}","status":"accepted","lines":[{"sku":"A-100","qty":2},{"sku":"B-220","qty":1}],"total":"129.90"}`,
    cookies: {},
    encoding: 'utf-8',
    log: [`${method} ${url} -> ${code ?? 'no answer'}`],
  };
}

/**
 * Record `n` (0-based) of `count`: ends at its place in the `days` days
 * before `now` (record `count - 1` last), its id `<idPrefix><n>`.
 */
export function historyRecord(
  n: number,
  count: number,
  now: number,
  idPrefix = '',
  days = 7,
): ExecutionRecord {
  const span = days * DAY_MS;
  return recordAt(n, Math.floor(now - span + ((n + draw(n, 2)) * span) / count), idPrefix);
}

/** Record `n` of the same mix, ending at `finishedAt` (epoch ms), its id `<idPrefix><n>`. */
export function recordAt(n: number, finishedAt: number, idPrefix = ''): ExecutionRecord {
  const state = stateOf(draw(n, 0));
  const originIndex = Math.floor(ORIGINS * draw(n, 1) ** 2);
  const durationMs = Math.floor(20 + 3000 * draw(n, 3) ** 3);
  const method = METHODS[n % 7]!;
  const url = new URL(
    `https://api-${originIndex}.example.com/v1/customers/cus-${n % 9973}/orders/ord-${n}?expand=lines,customer&page=${n % 7}`,
  );
  const output = outputOf(n, state, url.href, method);
  return buildRecord({
    queue: benchQueue(n % QUEUES),
    executionId: `${idPrefix}${n}`,
    run: 1,
    output: { ...output, execution_id: `${idPrefix}${n}` },
    cancelled: state === 'cancelled',
    request: { method, url },
    attempts: 1 + (n % 3),
    enqueuedAt: finishedAt - durationMs - 150,
    startedAt: finishedAt - durationMs,
    finishedAt,
    task: TASK,
    ...(n % 10 === 0 ? { flowKey: `flow-${n % 5000}` } : {}),
    ...(n % 20 === 1 ? { schedule: `schedule-${n % 40}` } : {}),
    traceId: n.toString(16).padStart(32, '0'),
  });
}
