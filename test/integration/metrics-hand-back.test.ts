import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger.js';
import { MetricField, workerMetricsKey } from '../../shared/worker-metrics.js';
import { TaskProducer } from '../../producer/task-producer.js';
import { producerOptionsOf } from '../../producer/task-producer-options.js';
import { startTaskWorker } from '../../worker/runtime/task-worker.js';
import { eventually } from '../helpers/eventually.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';
import { deleteTestKeys, testConfig } from '../helpers/test-config.js';

/** A job cut off by shutdown goes back to the queue: it is not an execution that ended in error. */
describe('metrics of a job handed back at shutdown', () => {
  const config = testConfig({ TASKREST_SHUTDOWN_GRACE_SECONDS: '0.3' });
  let server: HttpTestServer;
  let producer: TaskProducer;
  let redis: Redis;

  beforeAll(async () => {
    // Accepts and never answers: the execution is still running when the grace period ends.
    server = await startHttpTestServer(() => undefined);
    producer = new TaskProducer(producerOptionsOf(config));
    redis = new Redis(config.redisUrl);
  });
  afterAll(async () => {
    await producer.close();
    redis.disconnect();
    await server.close();
    await deleteTestKeys(config);
  });

  it('counts nothing for it, and the job waits again', async () => {
    const worker = startTaskWorker(config, createLogger(config));
    const { executionId } = await producer.enqueue({ url: `${server.url}/hold` });
    await eventually(
      async () => (await producer.getExecution(executionId))?.state === 'active',
      'the execution running',
      { intervalMs: 20 },
    );
    await worker.close();
    expect((await producer.getExecution(executionId))?.state).toBe('waiting');
    const counts = await redis.hgetall(workerMetricsKey(config));
    expect(counts[MetricField.execution('error')]).toBeUndefined();
    expect(counts[MetricField.DURATION_COUNT]).toBeUndefined();
  });
});
