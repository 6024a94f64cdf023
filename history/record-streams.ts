import { decodeRecord, RECORD_FIELD, RECORDER_GROUP } from '../shared/history/history-stream.js';
import type { ExecutionRecord } from '../shared/history/execution-record.js';
import type { RedisClient } from '../shared/redis-connection.js';

/** Entries as XREADGROUP and XAUTOCLAIM answer them: id and field list (null once deleted). */
type RawEntry = [id: string, fields: string[] | null];

/** One read of one queue's stream: the records, and every id read (those that held no record too). */
export interface StreamBatch {
  readonly key: string;
  /** Every id read: acknowledged and deleted together once the records are written. */
  readonly ids: string[];
  readonly records: ExecutionRecord[];
}

/** What the recorder's side of the streams needs. */
export interface RecordStreamsOptions {
  readonly redis: RedisClient;
  /** This recorder's consumer name in the group, unique per process. */
  readonly consumer: string;
  /** The most entries one read takes. */
  readonly count: number;
  /** How long an entry stays pending with another consumer before this one claims it. */
  readonly claimIdleMs: number;
}

/**
 * A recorder's reads of the history streams, in the consumer group every
 * recorder shares, so that each entry goes to one of them. An entry read
 * stays pending with its reader until `settle` acknowledges and deletes it
 * (after the write committed): a recorder that died, or whose store was
 * down, leaves it pending, and it is read again, by this recorder (its own
 * pending entries come first) or by another one that claims it after
 * `claimIdleMs`. One stream per call, never several in one command: on a
 * Redis Cluster each queue's stream lives in its own slot.
 */
export class RecordStreams {
  readonly #options: RecordStreamsOptions;
  /** The streams whose group this recorder made sure of. */
  readonly #grouped = new Set<string>();
  /** Where the next XAUTOCLAIM of each stream goes on (it scans the pending list in turns). */
  readonly #claimFrom = new Map<string, string>();

  constructor(options: RecordStreamsOptions) {
    this.#options = options;
  }

  /**
   * The next batch of `key`: this consumer's own pending entries (a write
   * that failed), else entries another consumer left pending too long, else
   * new ones. Empty when there is nothing.
   */
  async next(key: string): Promise<StreamBatch> {
    await this.#ensureGroup(key);
    try {
      const own = await this.#read(key, '0');
      if (own.length > 0) return batchOf(key, own);
      const claimed = await this.#claim(key);
      if (claimed.length > 0) return batchOf(key, claimed);
      return batchOf(key, await this.#read(key, '>'));
    } catch (error) {
      // The stream was deleted with its group (a queue removed with its keys): made again next time.
      if (error instanceof Error && error.message.startsWith('NOGROUP')) this.#grouped.delete(key);
      throw error;
    }
  }

  /**
   * New entries of `key` only, never pending ones: the read-ahead while the
   * batch before is being written, whose entries are still pending with
   * this consumer (`next` would hand them out again).
   */
  async fresh(key: string): Promise<StreamBatch> {
    await this.#ensureGroup(key);
    return batchOf(key, await this.#read(key, '>'));
  }

  /** Acknowledges and deletes the entries of a written batch, in one transaction. */
  async settle(batch: StreamBatch): Promise<void> {
    if (batch.ids.length === 0) return;
    await this.#options.redis
      .multi()
      .xack(batch.key, RECORDER_GROUP, ...batch.ids)
      .xdel(batch.key, ...batch.ids)
      .exec();
  }

  /** Creates the group (and the stream) unless it exists; from the stream's start, so nothing before it is missed. */
  async #ensureGroup(key: string): Promise<void> {
    if (this.#grouped.has(key)) return;
    try {
      await this.#options.redis.xgroup('CREATE', key, RECORDER_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
    }
    this.#grouped.add(key);
  }

  async #read(key: string, from: '0' | '>'): Promise<RawEntry[]> {
    const { redis, consumer, count } = this.#options;
    const answer = (await redis.xreadgroup(
      'GROUP',
      RECORDER_GROUP,
      consumer,
      'COUNT',
      count,
      'STREAMS',
      key,
      from,
    )) as [string, RawEntry[]][] | null;
    return answer?.[0]?.[1] ?? [];
  }

  async #claim(key: string): Promise<RawEntry[]> {
    const { redis, consumer, count, claimIdleMs } = this.#options;
    const start = this.#claimFrom.get(key) ?? '0-0';
    const [next, entries] = (await redis.xautoclaim(
      key,
      RECORDER_GROUP,
      consumer,
      claimIdleMs,
      start,
      'COUNT',
      count,
    )) as [string, RawEntry[], string[]?];
    this.#claimFrom.set(key, next);
    return entries;
  }
}

/** The batch of raw entries: each decoded, one that holds no record (written by someone else) only acknowledged. */
function batchOf(key: string, entries: RawEntry[]): StreamBatch {
  const records: ExecutionRecord[] = [];
  for (const [, fields] of entries) {
    const at = fields ? fields.indexOf(RECORD_FIELD) : -1;
    const record = at >= 0 && at % 2 === 0 ? decodeRecord(fields![at + 1] ?? '') : undefined;
    if (record) records.push(record);
  }
  return { key, ids: entries.map(([id]) => id), records };
}
