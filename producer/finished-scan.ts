import type { ExecutionRecord } from '../shared/history/execution-record.js';
import { isAfterCursor, type PageCursor } from '../shared/history/page-cursor.js';
import type { RedisClient } from '../shared/redis-connection.js';
import { finishedJobRecord, type FinishedSet } from './finished-job-record.js';

/** How many job ids one read of a finished set takes (and how many hashes one pipeline reads). */
const CHUNK = 200;

/** A record's place in the newest-first list: (finishedAt, queue, executionId, run). */
export type SortKey = Parameters<typeof isAfterCursor>[0];

/** A record found, with its sort key. */
export interface Found {
  readonly record: ExecutionRecord;
  readonly key: SortKey;
}

/** One finished set of one queue to scan. */
export interface ScanSource {
  readonly queue: string;
  readonly set: FinishedSet;
  /** The sorted set's key (scores: when each job finished, ms). */
  readonly setKey: string;
  /** A job's hash key from its id. */
  readonly jobKey: (jobId: string) => string;
}

/** Where and what to scan: the range (ms, `until` excluded), the cursor, the filter, how far. */
export interface ScanRange {
  readonly since?: number | undefined;
  readonly until?: number | undefined;
  readonly cursor?: PageCursor | undefined;
  readonly accept: (record: ExecutionRecord) => boolean;
  /** Stop once this many records matched. */
  readonly want: number;
  /** Stop once this many jobs were read (matched or not): the bound of one call. */
  readonly budget: number;
}

/** What a scan found, and whether the set may hold more after `last` (the last job read). */
export interface SourceScan {
  readonly found: Found[];
  readonly exhausted: boolean;
  readonly last: SortKey | undefined;
}

/**
 * Reads a queue's completed or failed set newest first (ZREVRANGEBYSCORE
 * from the cursor or `until` down to `since`), loads the jobs a chunk at a
 * time (one pipeline of HGETALL each), and keeps the records `accept`s,
 * until `want` matched, the set ended, or `budget` jobs were read.
 */
export async function scanSource(
  redis: RedisClient,
  source: ScanSource,
  range: ScanRange,
): Promise<SourceScan> {
  const found: Found[] = [];
  let last: SortKey | undefined;
  let read = 0;
  for (let offset = 0; ; offset += CHUNK) {
    const flat = await redis.zrevrangebyscore(
      source.setKey,
      maxOf(range),
      range.since ?? '-inf',
      'WITHSCORES',
      'LIMIT',
      offset,
      CHUNK,
    );
    const entries = pairs(flat);
    const hashes = await readHashes(
      redis,
      entries.map(([id]) => source.jobKey(id)),
    );
    for (const [index, [id, finishedAt]] of entries.entries()) {
      const record = finishedJobRecord(source.queue, id, source.set, hashes[index] ?? {});
      const key = { finishedAt, queue: source.queue, executionId: id, run: record?.run ?? 1 };
      if (range.cursor && !isAfterCursor(key, range.cursor)) continue;
      last = key;
      read += 1;
      if (record && range.accept(record)) found.push({ record, key });
      if (found.length >= range.want || read >= range.budget) {
        return { found, exhausted: false, last };
      }
    }
    if (entries.length < CHUNK) return { found, exhausted: true, last };
  }
}

/** The top of the score range: the cursor's time (inclusive: ties are sorted out by the key) or `until` (excluded). */
function maxOf({ until, cursor }: ScanRange): string | number {
  if (cursor && (until === undefined || cursor.finishedAt < until)) return cursor.finishedAt;
  return until === undefined ? '+inf' : `(${until}`;
}

function pairs(flat: string[]): [string, number][] {
  const out: [string, number][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, Number(flat[i + 1])]);
  return out;
}

async function readHashes(redis: RedisClient, keys: string[]): Promise<Record<string, string>[]> {
  if (keys.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.hgetall(key);
  const answers = (await pipeline.exec()) ?? [];
  return answers.map(([error, value]) => (error ? {} : (value as Record<string, string>)));
}
