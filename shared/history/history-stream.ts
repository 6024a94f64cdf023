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
 * Appends ARGV[2] (a record as JSON) to the stream KEYS[1], capped at about
 * ARGV[1] entries; what the cap trimmed is added to the counter KEYS[2].
 * Returns the number trimmed.
 */
export const APPEND_RECORD_LUA = `
local before = redis.call('XLEN', KEYS[1])
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', '${RECORD_FIELD}', ARGV[2])
local dropped = before + 1 - redis.call('XLEN', KEYS[1])
if dropped > 0 then redis.call('INCRBY', KEYS[2], dropped) end
return dropped`;

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
