import { queueKeyBase, type QueueRef } from '../queue-keys.js';
import type { ExecutionRecord } from './execution-record.js';

/**
 * The path of a record from a worker to the history: each queue has one
 * Redis stream (in the queue's own hash slot) that its workers append an
 * ended execution's record to, and that recorders read with one consumer
 * group. A recorder deletes what it has written (after the commit), so a
 * stream holds only records not yet in the history: its length is the
 * backlog, and what the cap trims was lost, which the dropped counter says.
 */

/** The most records a queue's stream holds; beyond it (`MAXLEN ~`) the oldest go and are counted. */
export const HISTORY_STREAM_MAX = 100_000;

/** The consumer group every recorder reads with: each record goes to one of them. */
export const RECORDER_GROUP = 'taskrest-recorders';

/** The stream entry's one field: the record as JSON. */
export const RECORD_FIELD = 'r';

/** The queue's stream of ended executions not yet recorded. */
export function historyStreamKey(ref: QueueRef): string {
  return `${queueKeyBase(ref)}:taskrest-history`;
}

/** How many records the cap trimmed from the queue's stream before a recorder read them. */
export function historyDroppedKey(ref: QueueRef): string {
  return `${queueKeyBase(ref)}:taskrest-history-dropped`;
}

/**
 * The Lua that appends the records ARGV[first] to ARGV[last] to the stream
 * `stream` (a KEYS reference), capped at about `max` entries, and adds what
 * the cap trimmed to the counter `dropped`; `trimmed` holds that count
 * after it. Also used inside the script that stores a failed execution's
 * output (worker/runtime/job-failure.ts).
 */
export function appendRecordLua(
  stream: string,
  dropped: string,
  max: string,
  first: number,
  last: string,
): string {
  return `
local before = redis.call('XLEN', ${stream})
for i = ${first}, ${last} do
  redis.call('XADD', ${stream}, 'MAXLEN', '~', ${max}, '*', '${RECORD_FIELD}', ARGV[i])
end
local trimmed = before + (${last}) - ${first} + 1 - redis.call('XLEN', ${stream})
if trimmed > 0 then redis.call('INCRBY', ${dropped}, trimmed) end`;
}

/**
 * Appends ARGV[2], ARGV[3], … (records as JSON) to KEYS[1], capped at about
 * ARGV[1]; what the cap trimmed is counted in KEYS[2] and returned.
 */
export const APPEND_RECORD_LUA = `${appendRecordLua('KEYS[1]', 'KEYS[2]', 'ARGV[1]', 2, '#ARGV')}
return trimmed`;

/** The record as a stream entry's field value. */
export function encodeRecord(record: ExecutionRecord): string {
  return JSON.stringify(record);
}

/** The record of a stream entry's field value; undefined when it is not one (written by someone else). */
export function decodeRecord(text: string): ExecutionRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const r = value as Partial<ExecutionRecord>;
  const valid =
    typeof r.queue === 'string' &&
    (typeof r.execution_id === 'string' || typeof r.execution_id === 'number') &&
    typeof r.run === 'number' &&
    typeof r.state === 'string' &&
    typeof r.message === 'string' &&
    typeof r.finished_at === 'string' &&
    typeof r.enqueued_at === 'string';
  return valid ? (value as ExecutionRecord) : undefined;
}
