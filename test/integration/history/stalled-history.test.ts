import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../../shared/history/execution-record.js';
import { decodeRecord, historyStreamKey } from '../../../shared/history/history-stream.js';
import { createRedis, type RedisClient } from '../../../shared/redis-connection.js';
import { MetricField, workerMetricsKey } from '../../../shared/worker-metrics.js';
import { STALLED_MESSAGE } from '../../../worker/runtime/stalled-failure.js';
import { eventually } from '../../helpers/eventually.js';
import { useFaultScene } from '../../helpers/fault-scene.js';
import {
  freshPostgresDatabase,
  type TestHistoryDatabase,
} from '../../helpers/history-databases.js';
import { startApiProcess } from '../../helpers/history-system.js';

/**
 * Quick stall detection, and no second chance: the first stall fails the
 * job. The workers only append to the history stream (they never connect
 * to the history's PostgreSQL).
 */
const STALL_ENV = {
  TASKREST_STALLED_INTERVAL_SECONDS: '1',
  TASKREST_LOCK_DURATION_SECONDS: '2',
  TASKREST_MAX_STALLED_COUNT: '0',
};

/*
 * A job BullMQ's stalled check fails (its worker killed with SIGKILL in the
 * middle of the request) runs no processor for that ending: the worker that
 * takes it up records it from BullMQ's 'failed' event. Real processes.
 */
describe('an execution failed by the stalled check is in the history', () => {
  let db: TestHistoryDatabase;
  let historyUrl: string;
  let redis: RedisClient;
  const s = useFaultScene(STALL_ENV);

  beforeEach(async () => {
    db = await freshPostgresDatabase();
    historyUrl = (db.location as { url: string }).url;
    redis = createRedis(s.config, 'producer');
  });
  afterEach(async () => {
    redis.disconnect();
    await db.destroy();
  });

  async function streamRecords(): Promise<ExecutionRecord[]> {
    const ref = { prefix: s.config.prefix, queueName: s.config.queueName };
    const entries = await redis.xrange(historyStreamKey(ref), '-', '+');
    return entries.map(([, fields]) => decodeRecord(fields[1]!)!);
  }

  /** Enqueues one task whose request is held, and kills its worker with SIGKILL mid-request. */
  async function stalledExecution(): Promise<string> {
    const env = { TASKREST_HISTORY_URL: historyUrl };
    const victim = await s.worker(env);
    const { executionId } = await s.producer.enqueue({ url: `${s.target.url}/hold/stalled` });
    await s.target.waitFor(1);
    expect(await victim.stop('SIGKILL')).toBeNull();
    const survivor = await s.worker(env);
    await survivor.waitFor(/execution failed by the stalled check/);
    await eventually(
      async () => (await s.queue.getJobState(String(executionId))) === 'failed',
      'the stalled job failed',
    );
    return String(executionId);
  }

  it('one failed record with the stall as message, and the execution failed with it', async () => {
    const id = await stalledExecution();
    await eventually(async () => (await streamRecords()).length > 0, 'a history record');
    const records = await streamRecords();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      queue: s.config.queueName,
      run: 1,
      state: 'failed',
      message: STALLED_MESSAGE,
      status_code: null,
      method: null,
      started_at: null,
      output: { status: 'error', message: STALLED_MESSAGE, status_code: null },
    });
    expect(String(records[0]!.execution_id)).toBe(id);
    expect(records[0]!.finished_at).toBe(
      new Date((await s.queue.getJob(id))!.finishedOn!).toISOString(),
    );
    const execution = await s.producer.getExecution(id);
    expect(execution).toMatchObject({
      state: 'failed',
      output: { status: 'error', message: STALLED_MESSAGE },
    });
    // Counted once as a failed execution in /metrics.
    const ref = { prefix: s.config.prefix, queueName: s.config.queueName };
    const errorField = MetricField.execution('error');
    await eventually(
      async () => (await redis.hget(workerMetricsKey(ref), errorField)) === '1',
      'one failed execution counted',
    );
    // The request went out once: the job was failed, not run again.
    expect(s.target.counts.get('stalled')).toBe(1);
  });

  it('a recorder moves that record into PostgreSQL: one row, failed, with the message', async () => {
    const api = await startApiProcess(s.config, historyUrl);
    try {
      const id = await stalledExecution();
      const client = new pg.Client({ connectionString: historyUrl });
      await client.connect();
      try {
        const rows = async () =>
          (
            await client.query<{ state: string; message: string }>(
              'SELECT state, message FROM executions WHERE queue = $1 AND execution_id = $2',
              [s.config.queueName, id],
            )
          ).rows;
        await eventually(async () => (await rows()).length > 0, 'the row in PostgreSQL');
        expect(await rows()).toEqual([{ state: 'failed', message: STALLED_MESSAGE }]);
      } finally {
        await client.end();
      }
    } finally {
      await api.stop('SIGKILL');
    }
  });
});
