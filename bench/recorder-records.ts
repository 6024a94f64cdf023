/**
 * The recorder benchmark's input: realistic records, made the way a worker
 * makes them (buildRecord: URL redacted, the task's credential scrubbed from
 * every text kept) from a realistic output, a 1 KiB JSON body, 8 response
 * headers and 2 log lines, and appended to a queue's stream with the
 * workers' own script, so that the entries are byte for byte what a
 * recorder reads in production.
 */
import { buildRecord } from '../shared/history/build-record.js';
import type { ExecutionRecord } from '../shared/history/execution-record.js';
import {
  APPEND_RECORD_LUA,
  encodeRecord,
  HISTORY_STREAM_MAX,
  historyDroppedKey,
  historyStreamKey,
} from '../shared/history/history-stream.js';
import type { TaskOutput } from '../shared/output.js';
import type { QueueRef } from '../shared/queue-keys.js';
import type { Redis } from 'ioredis';

/** The task every record ran: its bearer token is what buildRecord scrubs. */
const TASK = {
  method: 'POST',
  url: 'https://api.example.com/v1/orders',
  headers: { authorization: 'Bearer s3cr3t-token-for-the-bench-0123456789' },
};

/** A JSON body of about 1 KiB, different for each record. */
function bodyOf(n: number): string {
  const lines = Array.from({ length: 8 }, (_, i) => ({
    sku: `SKU-${(n * 7 + i) % 10_000}`,
    qty: 1 + ((n + i) % 5),
    price: `${(((n + i) % 900) + 100) / 10}`,
    note: 'standard shipping',
  }));
  const body = { id: `ord-${n}`, status: 'accepted', customer: `cus-${n % 9973}`, lines };
  return JSON.stringify(body).padEnd(1024, ' ');
}

/** The output of run `n`: 80 % completed (200/201), the rest failed (503/404). */
function outputOf(n: number, url: string): TaskOutput {
  const failed = n % 5 === 0;
  const code = failed ? (n % 10 === 0 ? 503 : 404) : n % 3 === 0 ? 201 : 200;
  return {
    execution_id: n,
    status: failed ? 'error' : 'success',
    message: failed ? `Request failed with status code ${code}` : `HTTP ${code}`,
    status_code: code,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-length': '1024',
      date: new Date().toUTCString(),
      server: 'nginx/1.25.3',
      'x-request-id': `req-${n.toString(16).padStart(12, '0')}`,
      'cache-control': 'no-store',
      vary: 'Accept-Encoding',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
    },
    text: bodyOf(n),
    cookies: {},
    encoding: 'utf-8',
    log: [`POST ${url} -> ${code} in 42 ms`, failed ? 'giving up after 1 attempt' : 'done'],
  };
}

/** The record of execution `n` of `queue` (ids prefixed by `idPrefix`), finished at `finishedAt`. */
export function benchRecord(
  queue: string,
  idPrefix: string,
  n: number,
  finishedAt: number,
): ExecutionRecord {
  const origin = `https://api-${n % 50}.example.com`;
  const url = new URL(`${origin}/v1/customers/cus-${n % 9973}/orders/ord-${n}?expand=lines&page=2`);
  const output = outputOf(n, url.href);
  return buildRecord({
    queue,
    executionId: `${idPrefix}${n}`,
    run: 1,
    output: { ...output, execution_id: `${idPrefix}${n}` },
    cancelled: false,
    request: { method: 'POST', url },
    attempts: 1,
    enqueuedAt: finishedAt - 180,
    startedAt: finishedAt - 42,
    finishedAt,
    task: TASK,
    ...(n % 10 === 0 ? { flowKey: `flow-${n % 5000}` } : {}),
    traceId: n.toString(16).padStart(32, '0'),
  });
}

/**
 * Appends `count` records to `queue`'s stream, `pipeline` appends a round
 * trip, finished over the last minute before `now`. Returns how many the
 * cap trimmed (0 unless the stream already held entries).
 */
export async function prefillStream(
  redis: Redis,
  ref: QueueRef,
  count: number,
  idPrefix: string,
  now: number,
  pipeline = 1000,
): Promise<number> {
  const stream = historyStreamKey(ref);
  const dropped = historyDroppedKey(ref);
  const max = Math.max(HISTORY_STREAM_MAX, count);
  for (let from = 0; from < count; from += pipeline) {
    const batch = redis.pipeline();
    for (let n = from; n < Math.min(count, from + pipeline); n++) {
      const finishedAt = now - 60_000 + Math.floor((n * 60_000) / count);
      const record = benchRecord(ref.queueName, idPrefix, n, finishedAt);
      batch.eval(APPEND_RECORD_LUA, 2, stream, dropped, max, encodeRecord(record));
    }
    await batch.exec();
  }
  return Number((await redis.get(dropped)) ?? 0);
}
