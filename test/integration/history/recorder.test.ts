import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryStore } from '../../../history/history-store.js';
import { openHistory } from '../../../history/open-history.js';
import { Recorder, type RecorderOptions } from '../../../history/recorder.js';
import type { RecordSink } from '../../../history/record-sink.js';
import type { Config } from '../../../shared/config.js';
import { parseExecutionFilter } from '../../../shared/history/execution-filter.js';
import { recordKey } from '../../../shared/history/execution-record.js';
import { historyStreamKey, RECORDER_GROUP } from '../../../shared/history/history-stream.js';
import { createLogger } from '../../../shared/logger.js';
import { queueRegistry } from '../../../shared/queue-registry.js';
import { createRedis, type RedisClient } from '../../../shared/redis-connection.js';
import { eventually } from '../../helpers/eventually.js';
import {
  freshPostgresDatabase,
  type TestHistoryDatabase,
} from '../../helpers/history-databases.js';
import { appendRecords, sampleRecord } from '../../helpers/stream-records.js';
import { MemorySink } from '../../helpers/memory-sink.js';
import { deleteTestKeys, testConfig } from '../../helpers/test-config.js';

/**
 * The recorder against the real Redis: what workers append to each queue's
 * stream arrives in the sink once, however many recorders run, whether the
 * sink fails for a while or a recorder dies with entries pending; and the
 * streams are empty after.
 */
describe('Recorder', () => {
  let config: Config;
  let redis: RedisClient;
  let second: string;
  const recorders: Recorder[] = [];

  beforeEach(async () => {
    config = testConfig();
    redis = createRedis(config, 'worker');
    second = `${config.queueName}-b`;
    await queueRegistry.add(redis, config.prefix, second, {
      maxQueues: 10,
      defaultQueue: config.queueName,
    });
  });

  afterEach(async () => {
    await Promise.all(recorders.splice(0).map((recorder) => recorder.stop()));
    await deleteTestKeys(config);
    redis.disconnect();
  });

  function startRecorder(sink: RecordSink, options: Partial<RecorderOptions> = {}): Recorder {
    const recorder = new Recorder({
      redis,
      prefix: config.prefix,
      defaultQueue: config.queueName,
      sink,
      logger: createLogger(config),
      historyDays: 30,
      idleMs: 20,
      ...options,
    }).start();
    recorders.push(recorder);
    return recorder;
  }

  const streamOf = (queueName: string) => historyStreamKey({ prefix: config.prefix, queueName });

  const records = (count: number) =>
    Array.from({ length: count }, (_, i) =>
      sampleRecord({ queue: i % 2 === 0 ? config.queueName : second, execution_id: i + 1 }),
    );

  it('moves the records of two queues into the sink once each, and empties the streams', async () => {
    const sink = new MemorySink();
    const appended = records(40);
    await appendRecords(redis, config.prefix, appended);
    startRecorder(sink);

    await eventually(() => sink.writes.length >= 40, 'all 40 records written');
    expect(sink.duplicates()).toEqual([]);
    expect(sink.writes.map((r) => r.execution_id).sort((a, b) => Number(a) - Number(b))).toEqual(
      appended.map((r) => r.execution_id),
    );
    await eventually(
      async () =>
        (await redis.xlen(streamOf(config.queueName))) + (await redis.xlen(streamOf(second))) === 0,
      'both streams empty',
    );
    expect(sink.dropCalls).toEqual([30]);
  });

  it('shares the work between two recorders, each record written once', async () => {
    const sink = new MemorySink();
    sink.delayMs = 5;
    const one = startRecorder(sink, { batchSize: 20 });
    const two = startRecorder(sink, { batchSize: 20 });
    const appended = records(1000);
    await appendRecords(redis, config.prefix, appended);

    await eventually(
      () => sink.writes.length >= 1000,
      () => `1000 written, ${sink.writes.length} so far`,
      {
        timeoutMs: 25_000,
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sink.writes).toHaveLength(1000);
    expect(sink.duplicates()).toEqual([]);
    expect(one.written).toBeGreaterThan(0);
    expect(two.written).toBeGreaterThan(0);
    expect(one.written + two.written).toBe(1000);
    expect(await redis.xlen(streamOf(config.queueName))).toBe(0);
    expect(await redis.xlen(streamOf(second))).toBe(0);
  });

  it('keeps the entries pending while the sink fails, and records them once it works again', async () => {
    const sink = new MemorySink();
    sink.down = true;
    startRecorder(sink, { maxBackoffMs: 100 });
    await appendRecords(redis, config.prefix, records(10));

    await eventually(() => sink.failures >= 3, 'the sink was tried a few times');
    // The first queue's batch failed; the second's group may not exist yet (then nothing is pending there).
    const pendingOf = async (key: string) =>
      ((await redis.xpending(key, RECORDER_GROUP).catch(() => [0])) as [number])[0];
    const pending = async () =>
      (await pendingOf(streamOf(config.queueName))) + (await pendingOf(streamOf(second)));
    expect(await pending()).toBeGreaterThan(0);
    expect(sink.writes).toHaveLength(0);

    sink.down = false;
    await eventually(() => sink.writes.length >= 10, 'the 10 records written after the outage');
    expect(sink.duplicates()).toEqual([]);
    await eventually(async () => (await pending()) === 0, 'nothing pending');
    expect(await redis.xlen(streamOf(config.queueName))).toBe(0);
  });

  it('claims what a dead recorder left pending', async () => {
    const appended = records(6).map((r) => ({ ...r, queue: config.queueName }));
    await appendRecords(redis, config.prefix, appended);
    const key = streamOf(config.queueName);
    // A recorder that read them and died before it wrote them.
    await redis.xgroup('CREATE', key, RECORDER_GROUP, '0', 'MKSTREAM');
    await redis.xreadgroup('GROUP', RECORDER_GROUP, 'dead-one', 'COUNT', 100, 'STREAMS', key, '>');
    expect(((await redis.xpending(key, RECORDER_GROUP)) as [number])[0]).toBe(6);

    const sink = new MemorySink();
    startRecorder(sink, { claimIdleMs: 300 });
    await eventually(() => sink.writes.length >= 6, "the dead recorder's 6 records written");
    expect(sink.duplicates()).toEqual([]);
    await eventually(async () => (await redis.xlen(key)) === 0, 'the stream empty');
  });

  it('writes two batches at once, but never two that hold the same run', async () => {
    const inFlight = new Set<string>();
    let writing = 0;
    let most = 0;
    let raced = 0;
    const sink = new MemorySink();
    sink.delayMs = 30;
    const write = sink.write.bind(sink);
    sink.write = async (batch) => {
      const keys = batch.map(recordKey);
      if (keys.some((key) => inFlight.has(key))) raced += 1;
      for (const key of keys) inFlight.add(key);
      most = Math.max(most, ++writing);
      try {
        await write(batch);
      } finally {
        for (const key of keys) inFlight.delete(key);
        writing -= 1;
      }
    };
    const unique = records(16).map((r) => ({ ...r, queue: config.queueName }));
    // A re-run's later ending of execution 2, in the batch after the one holding its first ending.
    const rerun = { ...unique[1]!, finished_at: new Date(Date.now() + 1000).toISOString() };
    const appended = [...unique.slice(0, 5), rerun, ...unique.slice(5)];
    await appendRecords(redis, config.prefix, appended);
    startRecorder(sink, { batchSize: 4, parallelWrites: 2 });

    await eventually(() => sink.writes.length >= 17, 'all 17 records written');
    expect(raced).toBe(0);
    expect(most).toBe(2);
    const endings = sink.writes.filter((r) => r.execution_id === unique[1]!.execution_id);
    expect(endings.map((r) => r.finished_at)).toEqual([unique[1]!.finished_at, rerun.finished_at]);
  });

  it('acknowledges and deletes an entry that holds no record', async () => {
    const key = streamOf(config.queueName);
    await redis.xadd(key, '*', 'r', 'not json');
    await redis.xadd(key, '*', 'other', 'field');
    const sink = new MemorySink();
    startRecorder(sink);
    await appendRecords(redis, config.prefix, [sampleRecord({ queue: config.queueName })]);
    await eventually(() => sink.writes.length === 1, 'the one record written');
    await eventually(async () => (await redis.xlen(key)) === 0, 'the garbage gone too');
  });
});

/** The same, into the PostgreSQL store: rows = records appended, none twice, the streams empty. */
describe('Recorder into the PostgreSQL history', () => {
  let config: Config;
  let redis: RedisClient;
  let database: TestHistoryDatabase;
  let store: HistoryStore;

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    store = await openHistory(database.location);
  });

  afterAll(async () => {
    await store.close();
    await database.destroy();
  });

  beforeEach(() => {
    config = testConfig();
    redis = createRedis(config, 'worker');
  });

  afterEach(async () => {
    await deleteTestKeys(config);
    redis.disconnect();
  });

  it('two recorders side by side write each record once', async () => {
    const second = `${config.queueName}-b`;
    await queueRegistry.add(redis, config.prefix, second, {
      maxQueues: 10,
      defaultQueue: config.queueName,
    });
    const recorder = (batchSize: number) =>
      new Recorder({
        redis,
        prefix: config.prefix,
        defaultQueue: config.queueName,
        sink: store,
        logger: createLogger(config),
        historyDays: 30,
        idleMs: 20,
        batchSize,
      }).start();
    const [one, two] = [recorder(25), recorder(25)];
    const appended = Array.from({ length: 600 }, (_, i) =>
      sampleRecord({ queue: i % 2 === 0 ? config.queueName : second, execution_id: i + 1 }),
    );
    try {
      await appendRecords(redis, config.prefix, appended);
      const rows = async () => {
        const client = new pg.Client({
          connectionString: (database.location as { url: string }).url,
        });
        await client.connect();
        try {
          const result = await client.query<{ n: string; distinct_keys: string }>(
            `SELECT count(*) AS n, count(DISTINCT (queue, execution_id, run)) AS distinct_keys
               FROM executions WHERE queue IN ($1, $2)`,
            [config.queueName, second],
          );
          return result.rows[0]!;
        } finally {
          await client.end();
        }
      };
      await eventually(async () => Number((await rows()).n) === 600, 'all 600 rows in the store', {
        timeoutMs: 25_000,
      });
      expect(await rows()).toEqual({ n: '600', distinct_keys: '600' });
      expect(one.written + two.written).toBe(600);
      expect(one.written).toBeGreaterThan(0);
      expect(two.written).toBeGreaterThan(0);
      expect(await redis.xlen(historyStreamKey({ prefix: config.prefix, queueName: second }))).toBe(
        0,
      );
      const page = await store.list(parseExecutionFilter({ queue: second, limit: 500 }));
      expect(page.executions).toHaveLength(300);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  });
});
