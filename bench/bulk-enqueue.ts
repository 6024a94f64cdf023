/**
 * Enqueue throughput of high-volume producers, in batches of 500 tasks: the
 * library's enqueueBulk, `POST /api/tasks/bulk` (a real API server on
 * loopback, keep-alive), and BullMQ's own addBulk as the reference.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { loadConfig } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { createApiServer } from '../api/create-api-server.js';
import { median } from './stats.js';

export interface BulkEnqueueResult {
  batch: number;
  tasks: number;
  bullmqPerSecond: number;
  libraryPerSecond: number;
  apiPerSecond: number;
}

const BATCH = 500;

async function rate(
  tasks: number,
  sendBatch: () => Promise<void>,
  reset: () => Promise<void>,
): Promise<number> {
  const reps: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const begin = performance.now();
    for (let sent = 0; sent < tasks; sent += BATCH) await sendBatch();
    reps.push(tasks / ((performance.now() - begin) / 1000));
    await reset();
  }
  return median(reps);
}

export async function measureBulkEnqueue(
  redisUrl: string,
  targetUrl: string,
  tasks: number,
): Promise<BulkEnqueueResult> {
  const config = loadConfig({
    REDIS_URL: redisUrl,
    TASKREST_QUEUE: 'bench-bulk',
    TASKREST_PREFIX: '{bench}',
    API_TOKENS: 'bench-token',
    TASKREST_LOG_LEVEL: 'error',
  });
  const batch = Array.from({ length: BATCH }, (_, i) => ({
    url: `${targetUrl}/bytes/1024?i=${i}`,
  }));
  const body = JSON.stringify(batch);

  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('bench-bulk-raw', { connection });
  // The API's queue, seen through a Queue of the bench's own, to empty it between runs.
  const apiQueue = new Queue(config.queueName, { connection, prefix: config.prefix });
  const api = await createApiServer(config, createLogger(config));
  const base = await api.listen({ host: '127.0.0.1', port: 0 });
  const dispatcher = new Agent({ connections: 1 });
  try {
    const bullmqPerSecond = await rate(
      tasks,
      async () => void (await queue.addBulk(batch.map((data) => ({ name: 'rest-task', data })))),
      () => queue.obliterate({ force: true }),
    );
    const producer = api.producer;
    const libraryPerSecond = await rate(
      tasks,
      async () => void (await producer.enqueueBulk(batch)),
      () => apiQueue.obliterate({ force: true }),
    );
    const apiPerSecond = await rate(
      tasks,
      async () => {
        const res = await request(`${base}/api/tasks/bulk`, {
          method: 'POST',
          dispatcher,
          headers: { 'content-type': 'application/json', authorization: 'Bearer bench-token' },
          body,
        });
        await res.body.arrayBuffer();
        if (res.statusCode !== 202)
          throw new Error(`POST /api/tasks/bulk answered ${res.statusCode}`);
      },
      () => apiQueue.obliterate({ force: true }),
    );
    return { batch: BATCH, tasks, bullmqPerSecond, libraryPerSecond, apiPerSecond };
  } finally {
    await dispatcher.close();
    await api.close();
    await queue.close();
    await apiQueue.close();
    connection.disconnect();
  }
}
