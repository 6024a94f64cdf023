import type { ExecutionRecord, ExecutionSummary } from '../../shared/history/execution-record.js';
import type { TaskOutput } from '../../shared/output.js';

/** Origin A of the fixture: where the 40 completed executions went. */
export const ORIGIN_A = 'https://a.example.com:443';
/** Origin B: where the 20 failed ones went. */
export const ORIGIN_B = 'http://b.example.com:8080';

/** An output as a record keeps it. */
export function outputOf(record: Pick<ExecutionRecord, 'execution_id' | 'state'>): TaskOutput {
  return {
    execution_id: record.execution_id,
    status: record.state === 'completed' ? 'success' : 'error',
    message: 'done',
    status_code: 200,
    headers: { 'content-type': 'application/json' },
    text: '{"ok":true}',
    cookies: {},
    encoding: 'utf-8',
    log: ['GET https://a.example.com/ 200'],
  };
}

/** One record, finished at `finishedAt` (epoch ms), with whatever `fields` say. */
export function makeRecord(
  finishedAt: number,
  fields: Partial<ExecutionRecord> & Pick<ExecutionRecord, 'queue' | 'execution_id'>,
): ExecutionRecord {
  const durationMs = fields.duration_ms ?? 120;
  return {
    run: 1,
    state: 'completed',
    method: 'GET',
    url: `${ORIGIN_A}/items`,
    origin: ORIGIN_A,
    status_code: 200,
    message: 'OK',
    attempts: 1,
    enqueued_at: new Date(finishedAt - durationMs - 1000).toISOString(),
    started_at: new Date(finishedAt - durationMs).toISOString(),
    finished_at: new Date(finishedAt).toISOString(),
    duration_ms: durationMs,
    ...fields,
  };
}

/**
 * The 60 records of the list tests, one minute apart back from `newest`
 * (two share a finishing time, so the key's tie-breakers order them): 40
 * completed on origin A over two queues, 20 failed on origin B, ids that
 * are numbers and ids that are not, every 10th under a flow key, every
 * 7th from a schedule, and one message with `%` and `_` in it.
 */
export function sixtyRecords(newest: number): ExecutionRecord[] {
  return Array.from({ length: 60 }, (_, i) => {
    const completed = i < 40;
    const origin = completed ? ORIGIN_A : ORIGIN_B;
    const finishedAt = newest - (i === 2 ? 1 : i) * 60_000;
    return makeRecord(finishedAt, {
      queue: i % 3 === 0 ? 'beta' : 'alpha',
      execution_id: i % 4 === 0 ? `job-${i}` : 1000 + i,
      state: completed ? 'completed' : 'failed',
      method: i % 5 === 0 ? 'POST' : 'GET',
      url: `${origin}/items/${i}?page=${i % 3}`,
      origin,
      status_code: completed ? 200 + (i % 2) : i % 2 === 0 ? 503 : 500,
      message: i === 17 ? 'progress 100%_done' : completed ? 'OK' : `Server error on item ${i}`,
      duration_ms: 50 + i,
      ...(i % 10 === 0 ? { flow_key: 'flow-x' } : {}),
      ...(i % 7 === 0 ? { schedule: 'nightly' } : {}),
      output: outputOf({ execution_id: 1000 + i, state: completed ? 'completed' : 'failed' }),
    });
  });
}

/** Records newest first in the list's order: finished_at, queue, execution_id, run, all descending. */
export function newestFirst<T extends ExecutionSummary>(records: readonly T[]): T[] {
  const key = (r: ExecutionSummary) =>
    [Date.parse(r.finished_at), r.queue, String(r.execution_id), r.run] as const;
  return [...records].sort((x, y) => {
    const [a, b] = [key(x), key(y)];
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) return a[i]! < b[i]! ? 1 : -1;
    }
    return 0;
  });
}

/** A record's identity as the tests compare lists: `queue/id/run`. */
export function idOf(record: Pick<ExecutionRecord, 'queue' | 'execution_id' | 'run'>): string {
  return `${record.queue}/${record.execution_id}/${record.run}`;
}
