import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskProducer } from '../../../producer/task-producer.js';
import { producerOptionsOf } from '../../../producer/task-producer-options.js';
import type { Config } from '../../../shared/config.js';
import { historyStreamKey } from '../../../shared/history/history-stream.js';
import { createRedis } from '../../../shared/redis-connection.js';
import { eventually } from '../../helpers/eventually.js';
import { freshPostgresDatabase } from '../../helpers/history-databases.js';
import { startApiProcess, startRecordingWorkers } from '../../helpers/history-system.js';
import { ownPostgres } from '../../helpers/own-postgres.js';
import { startScriptedTarget } from '../../helpers/scripted-target.js';
import { TestQueue } from '../../helpers/test-queue.js';
import { deleteTestKeys, testConfig } from '../../helpers/test-config.js';

/*
 * The history's path survives its faults: a recorder killed mid-batch (its
 * API process, kill -9) and PostgreSQL down while executions finish. Real
 * processes throughout; the rows are counted in PostgreSQL itself.
 */
describe('history under faults', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    cleanup.length = 0;
  });

  /** Rows in the history, and distinct (queue, execution id, run) among them. */
  async function countRows(url: string): Promise<{ rows: number; distinct: number }> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ rows: number; distinct: number }>(
        `SELECT count(*)::int AS rows, count(DISTINCT (queue, execution_id, run))::int AS distinct
           FROM executions`,
      );
      return rows[0]!;
    } finally {
      await client.end();
    }
  }

  /** A worker recording history, a producer, and a target that holds every request past `answered`. */
  async function system(historyUrl: string, config: Config, answered = Infinity) {
    let holding = true;
    const target = await startScriptedTarget({
      reply: (arrival) => (arrival.index < answered || !holding ? 200 : 'hold'),
    });
    /** Answers the held requests, and every one from now on. */
    const letGo = () => {
      holding = false;
      target.release();
    };
    cleanup.push(() => target.close());
    const workers = await startRecordingWorkers(config, historyUrl, 1);
    cleanup.push(() => Promise.all(workers.map((w) => w.stop())));
    const producer = new TaskProducer(producerOptionsOf(config));
    cleanup.push(() => producer.close());
    const queue = new TestQueue(config);
    cleanup.push(() => queue.close());
    const redis = createRedis(config, 'producer');
    cleanup.push(() => Promise.resolve(redis.disconnect()));
    const enqueue = (n: number) =>
      producer.enqueueBulk(
        Array.from({ length: n }, (_, i) => ({ url: `${target.url}/job/${i}` })),
      );
    return { letGo, producer, queue, redis, enqueue };
  }

  it('kill -9 of the API (its recorder) while 100 executions finish, then a new API: exactly 100 records', async () => {
    const db = await freshPostgresDatabase();
    cleanup.push(() => db.destroy());
    const url = (db.location as { url: string }).url;
    const config = testConfig();
    cleanup.push(() => deleteTestKeys(config));
    const first = await startApiProcess(config, url);
    cleanup.push(() => first.stop('SIGKILL'));
    // Half the executions end at once, the other half once the recorder is dead.
    const { queue, letGo, enqueue } = await system(url, config, 50);
    await enqueue(100);
    await eventually(async () => (await countRows(url)).rows >= 10, 'the first records written');
    expect(await first.stop('SIGKILL')).toBeNull();
    expect((await countRows(url)).rows).toBeLessThanOrEqual(50);
    letGo();
    await eventually(
      async () => (await queue.getJobCounts('completed')).completed === 100,
      'all 100 completed',
      { timeoutMs: 30_000 },
    );
    const second = await startApiProcess(config, url);
    cleanup.push(() => second.stop());
    await eventually(async () => (await countRows(url)).rows >= 100, 'all 100 recorded', {
      timeoutMs: 60_000,
    });
    // A while longer: a doubled record would show now.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await countRows(url)).toEqual({ rows: 100, distinct: 100 });
  }, 120_000);

  it('PostgreSQL stopped for 5 s while 50 finish: the workers go on, all 50 arrive once it is back', async () => {
    const own = await ownPostgres();
    cleanup.push(() => own.destroy());
    const config = testConfig();
    cleanup.push(() => deleteTestKeys(config));
    const api = await startApiProcess(config, own.url);
    cleanup.push(() => api.stop());
    const { queue, redis, enqueue } = await system(own.url, config);
    await own.stop();
    const stoppedAt = Date.now();
    await enqueue(50);
    // The workers do not wait for PostgreSQL: every execution completes while it is down.
    await eventually(
      async () => (await queue.getJobCounts('completed')).completed === 50,
      'all 50 completed while PostgreSQL is down',
      { timeoutMs: 20_000 },
    );
    expect(await queue.getJobCounts('failed', 'active', 'wait')).toEqual({
      failed: 0,
      active: 0,
      wait: 0,
    });
    // The stream holds them meanwhile (a recorder deletes a record only once it is written).
    const stream = historyStreamKey({ prefix: config.prefix, queueName: config.queueName });
    expect(await redis.xlen(stream)).toBe(50);
    const down = Date.now() - stoppedAt;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 5000 - down)));
    await own.start();
    await eventually(async () => (await countRows(own.url)).rows >= 50, 'all 50 recorded', {
      timeoutMs: 60_000,
    });
    expect(await countRows(own.url)).toEqual({ rows: 50, distinct: 50 });
    await eventually(async () => (await redis.xlen(stream)) === 0, 'stream drained');
  }, 120_000);
});
