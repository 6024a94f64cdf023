import { randomUUID } from 'node:crypto';
import type { ExecutionRecord } from '../../shared/history/execution-record.js';
import {
  APPEND_RECORD_LUA,
  encodeRecord,
  HISTORY_STREAM_MAX,
  historyDroppedKey,
  historyStreamKey,
} from '../../shared/history/history-stream.js';
import type { QueueRef } from '../../shared/queue-keys.js';
import type { RedisClient } from '../../shared/redis-connection.js';

/** A record as a worker would append it; `overrides` set what a test looks at. */
export function sampleRecord(overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  const finished = overrides.finished_at ?? new Date().toISOString();
  return {
    queue: 'q',
    execution_id: randomUUID(),
    run: 1,
    state: 'completed',
    method: 'GET',
    url: 'https://api.example.com/items',
    origin: 'https://api.example.com:443',
    status_code: 200,
    message: 'HTTP 200 OK',
    attempts: 1,
    enqueued_at: finished,
    started_at: finished,
    finished_at: finished,
    duration_ms: 12,
    ...overrides,
  };
}

/** Appends records to their queue's history stream with the workers' script. */
export async function appendRecords(
  redis: RedisClient,
  prefix: string,
  records: readonly ExecutionRecord[],
  max = HISTORY_STREAM_MAX,
): Promise<void> {
  for (const record of records) {
    const ref: QueueRef = { prefix, queueName: record.queue };
    await redis.eval(
      APPEND_RECORD_LUA,
      2,
      historyStreamKey(ref),
      historyDroppedKey(ref),
      max,
      encodeRecord(record),
    );
  }
}
