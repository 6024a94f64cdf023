import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../../api/create-api-server.js';
import { TaskProducer } from '../../../producer/task-producer.js';
import { producerOptionsOf } from '../../../producer/task-producer-options.js';
import type { Config } from '../../../shared/config.js';
import { createLogger } from '../../../shared/logger.js';
import { eventually } from '../../helpers/eventually.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';
import { testConfig } from '../../helpers/test-config.js';
import { startWorkerProcess, type WorkerProcess } from '../../helpers/worker-process.js';

/** Every key whose hash tag is the queue's own (`{<prefix>:<queue>}`), found with SCAN. */
async function keysOf(redis: Redis, prefix: string, queue: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}:${queue}}*`, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found.sort();
}

/**
 * `DELETE /api/queues/:queue?force=true` removes the queue: every key of it,
 * also those a worker still consuming it would write afterwards (a running
 * execution's log and counts, BullMQ's stalled check). The prefix has no hash
 * tag of its own, so that each queue's keys carry its own tag and a SCAN for
 * that tag finds all of them.
 */
describe('a removed queue leaves no key behind', () => {
  let config: Config;
  let redis: Redis;
  let producer: TaskProducer;
  let target: ScriptedTarget;
  let worker: WorkerProcess;
  let api: ApiServer;
  let url: string;

  beforeAll(async () => {
    config = testConfig({ TASKREST_PREFIX: `rq-${randomUUID().slice(0, 8)}` });
    redis = new Redis(config.redisUrl);
    producer = new TaskProducer(producerOptionsOf(config));
    target = await startScriptedTarget({ routes: { '/hold': 'hold', '/fail': 500 } });
    worker = await startWorkerProcess(config);
    api = await createApiServer(config, createLogger(config));
    url = await api.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    target?.release();
    await worker?.stop('SIGKILL');
    await api?.close();
    await producer?.close();
    await target?.close();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{${config.prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
    redis?.disconnect();
  });

  /** Resolves once the worker logged that it consumes `queue` (it read the registry since it was made). */
  const consumed = (queue: string) => worker.waitFor(new RegExp(`"added":\\[[^\\]]*"${queue}"`));

  it('not after the delete, and not after the worker ran the job it was running', async () => {
    const failed = await producer.enqueue({ url: `${target.url}/fail` }, { queue: 'doomed' });
    expect(
      (await producer.waitForResult(failed.executionId, { queue: 'doomed', timeoutMs: 20_000 }))
        ?.state,
    ).toBe('failed');
    const held = await producer.enqueue(
      { url: `${target.url}/hold`, total_timeout: 120, read_timeout: 120 },
      { queue: 'doomed' },
    );
    await target.waitFor(1, { path: '/hold' });
    // Its first log line went out while it runs: a key of its own.
    await eventually(
      async () =>
        (await keysOf(redis, config.prefix, 'doomed')).some((key) =>
          key.endsWith(`:${held.executionId}:logs`),
        ),
      'the running execution’s live log',
    );

    const removed = await fetch(`${url}/api/queues/doomed?force=true`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    expect(await keysOf(redis, config.prefix, 'doomed')).toEqual([]);

    target.release();
    // The worker lets the queue go once the job it ran there ended; its
    // stop sends whatever counts it still held.
    await worker.waitFor(/"removed":\["doomed"\]/);
    expect(await worker.stop('SIGTERM')).toBe(0);
    expect(await keysOf(redis, config.prefix, 'doomed')).toEqual([]);
    worker = await startWorkerProcess(config);
  });

  it('nor do queues removed right as a watching worker starts consuming them', async () => {
    // Each queue made and removed at once, for long enough that the worker's
    // registry reads (every 2 s) land among them: its Worker for a queue it
    // read there starts when the queue may be gone already.
    const made: string[] = [];
    const until = performance.now() + 5000;
    for (let round = 0; performance.now() < until; round += 1) {
      const batch = Array.from({ length: 10 }, (_, i) => `burst-${round}-${i}`);
      made.push(...batch);
      for (const name of batch) await producer.queues.set(name, {});
      for (const name of batch) await producer.queues.remove(name, { force: true });
    }
    // A queue made after all of them: once the worker consumes it, it has let
    // go of every one before.
    await producer.queues.set('sentinel', {});
    await consumed('sentinel');
    const left = (await Promise.all(made.map((name) => keysOf(redis, config.prefix, name)))).flat();
    console.log(`removed queues: ${made.length}, keys left: ${left.length}`);
    expect(left).toEqual([]);
  });
});
