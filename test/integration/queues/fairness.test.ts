import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../shared/config.js';
import { TaskProducer } from '../../../producer/task-producer.js';
import { producerOptionsOf } from '../../../producer/task-producer-options.js';
import { eventually } from '../../helpers/eventually.js';
import {
  startScriptedTarget,
  type Arrival,
  type ScriptedTarget,
} from '../../helpers/scripted-target.js';
import { deleteTestKeys, testConfig } from '../../helpers/test-config.js';
import { TestQueue } from '../../helpers/test-queue.js';
import { startWorkerProcess, type WorkerProcess } from '../../helpers/worker-process.js';

/** Answers 200 after `?ms=N` milliseconds (at once without), so that a task holds its slot that long. */
const answerAfterMs = (arrival: Arrival) => ({ delayMs: Number(arrival.query.get('ms') ?? 0) });

/**
 * WORKER_CONCURRENCY is one pool shared by demand, and every queue keeps at
 * least one slot: a queue with a thousand waiting tasks takes the slots the
 * others do not use, never the one a quiet queue's next task starts in.
 */
describe('fairness between queues in one worker process', () => {
  let config: Config;
  let producer: TaskProducer;
  let target: ScriptedTarget;
  let worker: WorkerProcess;
  const looks: TestQueue[] = [];

  beforeAll(async () => {
    config = testConfig();
    producer = new TaskProducer(producerOptionsOf(config));
    target = await startScriptedTarget({ reply: answerAfterMs });
    worker = await startWorkerProcess(config, { WORKER_CONCURRENCY: '4' });
  });
  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await Promise.all(looks.map((queue) => queue.close()));
    await producer?.close();
    await target?.close();
    if (config) await deleteTestKeys(config);
  });

  it('a queue of 1,000 waiting tasks delays a task on another queue by well under 2 s', async () => {
    for (const name of ['busy', 'quiet']) {
      await producer.queues.set(name, {});
      const look = new TestQueue(config, name);
      looks.push(look);
      await eventually(async () => (await look.getWorkersCount()) >= 1, `worker on ${name}`);
    }
    await producer.enqueueBulk(
      Array.from({ length: 1000 }, (_, i) => ({ url: `${target.url}/busy/${i}?ms=20` })),
      { queue: 'busy' },
    );
    // The busy queue is being worked on: its slots are full.
    await target.waitFor(20, { prefix: '/busy/' });
    const enqueuedAt = performance.now();
    await producer.enqueue({ url: `${target.url}/quiet/1` }, { queue: 'quiet' });
    const [arrival] = await target.waitFor(1, { prefix: '/quiet/' });
    const delayMs = arrival!.at - enqueuedAt;
    const busyLeft = 1000 - target.arrivalsOf({ prefix: '/busy/' }).length;
    console.log(
      `fairness: the quiet queue's task arrived ${Math.round(delayMs)} ms after its enqueue, ${busyLeft} busy tasks still to go`,
    );
    expect(busyLeft).toBeGreaterThan(0);
    expect(delayMs).toBeLessThan(2000);
  });
});
