import type { ExecutionQuery, StatsQuery } from '../shared/history/execution-filter.js';
import type {
  ExecutionHistory,
  ExecutionPage,
  ExecutionStats,
} from '../shared/history/execution-history.js';
import type { ExecutionRecord } from '../shared/history/execution-record.js';
import { encodeCursor, isAfterCursor } from '../shared/history/page-cursor.js';
import type { RedisClient } from '../shared/redis-connection.js';
import { queueKeyBase, type QueueRef } from '../shared/queue-keys.js';
import { jobKey } from '../shared/task-queue.js';
import { finishedJobRecord, type FinishedSet } from './finished-job-record.js';
import { scanSource, type Found, type ScanSource, type SortKey } from './finished-scan.js';
import { statsOf } from './history-stats.js';
import { recordMatches } from './record-matches.js';

/**
 * The most jobs one list page reads per queue and set. A filter that
 * matches few of many jobs may answer a page with fewer records than
 * `limit` (none, even) and a `next_cursor` that goes on from where it
 * stopped: the list stays correct, each page bounded.
 */
export const LIST_SCAN_BUDGET = 5000;

/**
 * The most jobs the stats read per queue and set, newest first in the
 * range: over a larger range the stats count only the newest of them. The
 * history (TASKREST_HISTORY_URL) has no such bound.
 */
export const STATS_SCAN_BUDGET = 20_000;

/** What the Redis history reads through: the connection, the prefix and the queues. */
export interface RedisHistoryContext {
  readonly redis: RedisClient;
  readonly prefix: string;
  /** Every queue (the registry's and the default one). */
  queueNames(): Promise<string[]>;
}

/**
 * The executions that Redis still holds, as an ExecutionHistory (source
 * `redis`): without a history store, the list of the API, the library and
 * `taskrest ls` reads the completed and failed sets of the queues (as far
 * as retention keeps them), each job made into the record the worker would
 * have appended (shared/history/build-record.ts), filtered in memory and
 * merged across queues in the history's order. A job has one run here: a
 * replay replaces the earlier one.
 */
export class RedisHistory implements ExecutionHistory {
  readonly source = 'redis' as const;
  readonly #context: RedisHistoryContext;

  constructor(context: RedisHistoryContext) {
    this.#context = context;
  }

  async list(query: ExecutionQuery): Promise<ExecutionPage> {
    const { limit, cursor } = query;
    const sets = setsOf(query.state);
    const queues = query.queue === undefined ? await this.#context.queueNames() : [query.queue];
    const scans = await Promise.all(
      queues.flatMap((queue) =>
        sets.map((set) =>
          scanSource(this.#context.redis, this.#source(queue, set), {
            since: query.since,
            until: query.until,
            cursor,
            accept: (record) => recordMatches(record, query),
            want: limit + 1,
            budget: LIST_SCAN_BUDGET,
          }),
        ),
      ),
    );
    const merged = scans.flatMap((scan) => scan.found).sort(newestFirst);
    // Where this page must end: no later than the last record shown when there are more than
    // `limit`, and no later than where any set stopped before its end (what lies beyond is unread).
    const ends = scans.filter((scan) => !scan.exhausted && scan.last).map((scan) => scan.last!);
    if (merged.length > limit) ends.push(merged[limit - 1]!.key);
    const end = ends.sort(compareKeys)[0];
    const shown = (end ? merged.filter((f) => !isAfterCursor(f.key, end)) : merged).slice(0, limit);
    return {
      executions: shown.map(({ record: { output: _output, ...summary } }) => summary),
      next_cursor: end ? encodeCursor(end) : null,
      source: 'redis',
    };
  }

  async runs(queue: string, executionId: string): Promise<ExecutionRecord[]> {
    const ref = this.#ref(queue);
    for (const set of ['completed', 'failed'] as const) {
      const score = await this.#context.redis.zscore(`${queueKeyBase(ref)}:${set}`, executionId);
      if (score === null) continue;
      const hash = await this.#context.redis.hgetall(jobKey(ref, executionId));
      const record = finishedJobRecord(queue, executionId, set, hash);
      return record ? [record] : [];
    }
    return [];
  }

  async stats(query: StatsQuery): Promise<ExecutionStats> {
    const queues = query.queue === undefined ? await this.#context.queueNames() : [query.queue];
    const scans = await Promise.all(
      queues.flatMap((queue) =>
        (['completed', 'failed'] as const).map((set) =>
          scanSource(this.#context.redis, this.#source(queue, set), {
            since: query.since,
            until: query.until,
            accept: (record) => query.origin === undefined || record.origin === query.origin,
            want: STATS_SCAN_BUDGET,
            budget: STATS_SCAN_BUDGET,
          }),
        ),
      ),
    );
    return statsOf(
      scans.flatMap((scan) => scan.found.map((f) => f.record)),
      query,
    );
  }

  #ref(queueName: string): QueueRef {
    return { prefix: this.#context.prefix, queueName };
  }

  #source(queue: string, set: FinishedSet): ScanSource {
    const ref = this.#ref(queue);
    return {
      queue,
      set,
      setKey: `${queueKeyBase(ref)}:${set}`,
      jobKey: (jobId) => jobKey(ref, jobId),
    };
  }
}

/** The finished sets a state is found in: cancelled executions are failed jobs. */
function setsOf(state: ExecutionQuery['state']): FinishedSet[] {
  if (state === 'completed') return ['completed'];
  if (state === 'failed' || state === 'cancelled') return ['failed'];
  return ['completed', 'failed'];
}

/** Positive when `a` comes after `b` in the newest-first list (is older). */
function compareKeys(a: SortKey, b: SortKey): number {
  if (isAfterCursor(a, b)) return 1;
  if (isAfterCursor(b, a)) return -1;
  return 0;
}

function newestFirst(a: Found, b: Found): number {
  return compareKeys(a.key, b.key);
}
