import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskProducer } from '../../../producer/task-producer.js';
import { producerOptionsOf } from '../../../producer/task-producer-options.js';
import type { Config } from '../../../shared/config.js';
import { eventually } from '../../helpers/eventually.js';
import {
  startScriptedTarget,
  type Arrival,
  type ScriptedTarget,
} from '../../helpers/scripted-target.js';
import { deleteTestKeys, testConfig } from '../../helpers/test-config.js';
import { TestQueue } from '../../helpers/test-queue.js';
import { startWorkerProcess, type WorkerProcess } from '../../helpers/worker-process.js';

/** How long the target holds each request of a busy queue: a slow partner. */
const SLOW_MS = 1500;
/** Queues the worker consumes: the default one and these. */
const IDLE = Array.from({ length: 12 }, (_, i) => `idle-${i}`);

/** Requests of `prefix` in flight at the target when `arrival` came, itself included. */
function inFlightOf(target: ScriptedTarget, prefix: string, arrival: Arrival): number {
  return target
    .arrivalsOf({ prefix })
    .filter((a) => a.at <= arrival.at && a.at + SLOW_MS > arrival.at).length;
}

/**
 * WORKER_CONCURRENCY (16 here, the default) is one pool: with 14 queues a
 * busy one gets the slots the idle ones do not use, up to its own
 * max_concurrency, while a task on a quiet queue still starts at once.
 * Under an even split of 16 slots over 14 queues it never ran more than 2.
 */
describe('WORKER_CONCURRENCY shared by demand', () => {
  let config: Config;
  let producer: TaskProducer;
  let target: ScriptedTarget;
  let worker: WorkerProcess;

  beforeAll(async () => {
    config = testConfig();
    producer = new TaskProducer(producerOptionsOf(config));
    target = await startScriptedTarget({
      reply: (arrival) => ({ delayMs: arrival.path.startsWith('/quiet/') ? 0 : SLOW_MS }),
    });
    for (const name of IDLE) await producer.queues.set(name, {});
    await producer.queues.set('capped', { max_concurrency: 6 });
    worker = await startWorkerProcess(config);
    const last = new TestQueue(config, 'capped');
    await eventually(async () => (await last.getWorkersCount()) >= 1, 'the worker on capped');
    await last.close();
  });
  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await producer?.close();
    await target?.close();
    if (config) await deleteTestKeys(config);
  });

  it("a busy queue reaches its max_concurrency of 6 among 14 queues; a quiet queue's task starts at once", async () => {
    await producer.enqueueBulk(
      Array.from({ length: 40 }, (_, i) => ({ url: `${target.url}/capped/${i}` })),
      { queue: 'capped' },
    );
    const [sixth] = await target.waitFor(1, {
      prefix: '/capped/',
      where: (a) => a.path.startsWith('/capped/') && inFlightOf(target, '/capped/', a) >= 6,
    });
    expect(sixth).toBeDefined();

    const enqueuedAt = performance.now();
    await producer.enqueue({ url: `${target.url}/quiet/1` }, { queue: 'idle-7' });
    const [quiet] = await target.waitFor(1, { prefix: '/quiet/' });
    const delayMs = quiet!.at - enqueuedAt;
    console.log(
      `shared concurrency: the quiet queue's task arrived ${Math.round(delayMs)} ms after its enqueue`,
    );
    expect(delayMs).toBeLessThan(2000);

    const most = Math.max(
      ...target.arrivalsOf({ prefix: '/capped/' }).map((a) => inFlightOf(target, '/capped/', a)),
    );
    expect(most).toBeLessThanOrEqual(6);
  });

  it('a busy queue without a limit gets about all of WORKER_CONCURRENCY', async () => {
    await target.waitFor(40, { prefix: '/capped/' });
    await producer.enqueueBulk(
      Array.from({ length: 60 }, (_, i) => ({ url: `${target.url}/plain/${i}` })),
      { queue: 'idle-3' },
    );
    const [wide] = await target.waitFor(1, {
      prefix: '/plain/',
      where: (a) => a.path.startsWith('/plain/') && inFlightOf(target, '/plain/', a) >= 12,
    });
    expect(wide).toBeDefined();
  });
});
