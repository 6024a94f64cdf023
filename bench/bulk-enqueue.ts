/**
 * Enqueue throughput of high-volume producers: the library's enqueueBulk
 * against `POST /api/tasks/bulk`, both in batches of 500 tasks.
 */
import { loadConfig } from '../shared/config.js';
import { TaskProducer } from '../producer/task-producer.js';
import { median } from './stats.js';

export interface BulkEnqueueResult {
  batch: number;
  tasks: number;
  libraryPerSecond: number;
  apiPerSecond?: number;
}

const BATCH = 500;

export async function measureBulkEnqueue(
  redisUrl: string,
  targetUrl: string,
  tasks: number,
): Promise<BulkEnqueueResult> {
  const config = loadConfig({
    REDIS_URL: redisUrl,
    TASKREST_QUEUE: 'bench-bulk',
    TASKREST_PREFIX: '{bench}',
  });
  const batch = Array.from({ length: BATCH }, (_, i) => ({
    url: `${targetUrl}/bytes/1024?i=${i}`,
  }));
  const producer = new TaskProducer({ config });
  try {
    const library: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      const begin = performance.now();
      for (let sent = 0; sent < tasks; sent += BATCH) await producer.enqueueBulk(batch);
      library.push(tasks / ((performance.now() - begin) / 1000));
      await producer.queue.obliterate({ force: true });
    }
    return { batch: BATCH, tasks, libraryPerSecond: median(library) };
  } finally {
    await producer.close();
  }
}
