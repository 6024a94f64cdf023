/**
 * Loads the history benchmark's records the way production does: appended
 * to the 20 queues' Redis streams with the workers' own script (several
 * records per call, as a worker sends the records that end in one turn),
 * and moved into PostgreSQL by a real Recorder into a HistoryStore, as
 * `taskrest api` wires them.
 *
 * A million records would take about 2.8 GB of Redis at once, so they go
 * in chunks: a chunk is appended (not timed), then a fresh recorder is
 * started and timed until every stream is empty (it deletes entries only
 * after their transaction committed, so an empty stream means every row is
 * in). The producer and the recorder never share the 2 cores, so the time
 * is the recorder's alone; the rows are counted at the end.
 */
import type { Redis } from 'ioredis';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HistoryStore } from '../history/history-store.js';
import { Recorder } from '../history/recorder.js';
import type { SqlClient } from '../history/sql-client.js';
import {
  APPEND_RECORD_LUA,
  encodeRecord,
  HISTORY_STREAM_MAX,
  historyDroppedKey,
  historyStreamKey,
} from '../shared/history/history-stream.js';
import type { ExecutionRecord } from '../shared/history/execution-record.js';
import type { Logger } from '../shared/logger.js';
import { queueRegistry } from '../shared/queue-registry.js';
import { BENCH_QUEUES, historyRecord } from './history-records.js';

/** The key prefix the bench's queues live under (on a Redis of its own). */
export const BENCH_PREFIX = 'taskrest-bench';

/** The recorder's logs reach stderr only as warnings: an outage would show. */
export const quietLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (message, fields) => console.error(message, fields ?? ''),
  error: (message, fields) => console.error(message, fields ?? ''),
};

/** What a load took. */
export interface LoadResult {
  records: number;
  chunk: number;
  /** The recorders' time alone, from each start until its chunk's streams were empty. */
  recorder_seconds: number;
  records_per_s: number;
  /** Making the records and appending them to the streams. */
  append_seconds: number;
  vacuum_seconds: number;
  wall_seconds: number;
  /** Each chunk's recorder rate, and the machine's 1-minute load average when it ended. */
  chunks: { records_per_s: number; load_average_1m: number }[];
}

/** What a load needs. */
export interface LoadOptions {
  /** A connection to the bench's own Redis; the recorders get their own. */
  readonly redis: Redis;
  readonly store: HistoryStore;
  /** A connection of the database's own, for VACUUM ANALYZE and the count. */
  readonly client: SqlClient;
  readonly count: number;
  /** The records end in the 7 days before it. */
  readonly now: number;
  readonly chunk?: number;
  readonly log: (line: string) => void;
}

/** Registers the queues (a recorder reads every registered queue's stream). */
export async function registerQueues(redis: Redis): Promise<void> {
  for (const name of BENCH_QUEUES) {
    await queueRegistry.add(redis, BENCH_PREFIX, name, {
      maxQueues: 1000,
      defaultQueue: BENCH_QUEUES[0]!,
    });
  }
}

/**
 * Appends `records` to their queues' streams: per queue, `perCall` records
 * a script call, every call of the chunk in pipelines of `pipeline` calls.
 * Throws when the streams' cap trimmed anything.
 */
export async function appendRecords(
  redis: Redis,
  records: readonly ExecutionRecord[],
  perCall = 50,
  pipeline = 40,
): Promise<void> {
  const byQueue = new Map<string, string[]>();
  for (const record of records) {
    const list = byQueue.get(record.queue) ?? [];
    list.push(encodeRecord(record));
    byQueue.set(record.queue, list);
  }
  const calls: [string, string[]][] = [];
  for (const [queueName, list] of byQueue) {
    for (let i = 0; i < list.length; i += perCall) {
      calls.push([queueName, list.slice(i, i + perCall)]);
    }
  }
  for (let i = 0; i < calls.length; i += pipeline) {
    const batch = redis.pipeline();
    for (const [queueName, list] of calls.slice(i, i + pipeline)) {
      const ref = { prefix: BENCH_PREFIX, queueName };
      batch.eval(
        APPEND_RECORD_LUA,
        2,
        historyStreamKey(ref),
        historyDroppedKey(ref),
        HISTORY_STREAM_MAX,
        ...list,
      );
    }
    const answers = (await batch.exec()) ?? [];
    const failed = answers.find(([error]) => error);
    if (failed) throw failed[0]!;
    if (answers.some(([, trimmed]) => Number(trimmed) > 0)) {
      throw new Error('the stream cap trimmed records: the chunk is too large');
    }
  }
}

/** The records left in every bench queue's stream. */
export async function backlog(redis: Redis): Promise<number> {
  const batch = redis.pipeline();
  for (const queueName of BENCH_QUEUES) {
    batch.xlen(historyStreamKey({ prefix: BENCH_PREFIX, queueName }));
  }
  const answers = (await batch.exec()) ?? [];
  return answers.reduce((sum, [, length]) => sum + Number(length ?? 0), 0);
}

/** A recorder of the bench's queues into `store`, on a connection of its own. */
export function benchRecorder(redis: Redis, store: HistoryStore): Recorder {
  return new Recorder({
    redis,
    prefix: BENCH_PREFIX,
    defaultQueue: BENCH_QUEUES[0]!,
    sink: store,
    logger: quietLogger,
    historyDays: 30,
    idleMs: 5,
  });
}

/** Starts a recorder and resolves with its seconds once every stream is empty. */
async function recordChunk(redis: Redis, store: HistoryStore): Promise<number> {
  const own = redis.duplicate();
  const recorder = benchRecorder(own, store);
  const started = performance.now();
  recorder.start();
  while ((await backlog(redis)) > 0) await sleep(10);
  const seconds = (performance.now() - started) / 1000;
  await recorder.stop();
  own.disconnect();
  return seconds;
}

/**
 * Loads `count` records (ending over the 7 days before `now`) through the
 * streams and recorders, `chunk` at a time, then VACUUM ANALYZEs (what
 * autovacuum does after a bulk load) and checks the row count.
 */
export async function loadHistory(options: LoadOptions): Promise<LoadResult> {
  const { redis, store, client, count, now, log } = options;
  const chunk = options.chunk ?? 100_000;
  const wallStarted = performance.now();
  await registerQueues(redis);
  let appendSeconds = 0;
  let recorderSeconds = 0;
  const chunks: LoadResult['chunks'] = [];
  for (let from = 0; from < count; from += chunk) {
    const to = Math.min(count, from + chunk);
    const appendStarted = performance.now();
    const records = Array.from({ length: to - from }, (_, i) =>
      historyRecord(from + i, count, now),
    );
    await appendRecords(redis, records);
    appendSeconds += (performance.now() - appendStarted) / 1000;
    const seconds = await recordChunk(redis, store);
    recorderSeconds += seconds;
    chunks.push({
      records_per_s: Math.round((to - from) / seconds),
      load_average_1m: Math.round(loadavg()[0]! * 100) / 100,
    });
    log(
      `  recorded ${to.toLocaleString('en-US')} records: this chunk ` +
        `${chunks.at(-1)!.records_per_s} records/s, load average ${chunks.at(-1)!.load_average_1m} ` +
        `(${wallSeconds(wallStarted)} s in all)`,
    );
  }
  const vacuumStarted = performance.now();
  await client.query('VACUUM ANALYZE executions');
  const vacuumSeconds = (performance.now() - vacuumStarted) / 1000;
  const [rows] = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM executions');
  if (rows?.n !== count) throw new Error(`${rows?.n} rows after the load, expected ${count}`);
  return {
    records: count,
    chunk,
    recorder_seconds: round1(recorderSeconds),
    records_per_s: Math.round(count / recorderSeconds),
    append_seconds: round1(appendSeconds),
    vacuum_seconds: round1(vacuumSeconds),
    wall_seconds: Number(wallSeconds(wallStarted)),
    chunks,
  };
}

const wallSeconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);
const round1 = (value: number) => Math.round(value * 10) / 10;
