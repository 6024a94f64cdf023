import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskProducer } from '../../../producer/task-producer.js';
import { producerOptionsOf } from '../../../producer/task-producer-options.js';
import type { Config } from '../../../shared/config.js';
import { eventually } from '../../helpers/eventually.js';
import { deleteTestKeys, testConfig } from '../../helpers/test-config.js';
import { TestQueue } from '../../helpers/test-queue.js';
import { startWorkerProcess, type WorkerProcess } from '../../helpers/worker-process.js';

/** The worker's log lines that say which queues it consumes. */
function consumingLines(worker: WorkerProcess): Record<string, unknown>[] {
  return worker
    .output()
    .split('\n')
    .filter((line) => line.includes('"msg":"consuming queues"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * A worker that watches the registry logs what changed in it (the queues
 * added and removed, and how many it consumes now), not the whole list: with
 * many queues that list made one log line per change as long as all their
 * names together.
 */
describe("the worker's log of the queues it consumes", () => {
  let config: Config;
  let producer: TaskProducer;
  let worker: WorkerProcess;

  beforeAll(async () => {
    config = testConfig();
    producer = new TaskProducer(producerOptionsOf(config));
    for (let i = 0; i < 30; i += 1) await producer.queues.set(`many-${i}`, {});
    worker = await startWorkerProcess(config);
  });
  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await producer?.close();
    if (config) await deleteTestKeys(config);
  });

  it('names the queues added and removed, and counts the rest', async () => {
    const last = new TestQueue(config, 'many-29');
    await eventually(async () => (await last.getWorkersCount()) >= 1, 'the worker on many-29');
    await last.close();
    await producer.queues.set('one-more', {});
    await worker.waitFor(/"one-more"/);
    const added = consumingLines(worker).at(-1)!;
    expect(added).toMatchObject({ queues: 32, added: ['one-more'] });
    expect(JSON.stringify(added)).not.toMatch(/many-/);

    await producer.queues.remove('many-3');
    await worker.waitFor(/"removed":\["many-3"\]/);
    const removed = consumingLines(worker).at(-1)!;
    expect(removed).toMatchObject({ queues: 31, removed: ['many-3'] });
    expect(JSON.stringify(removed)).not.toMatch(/one-more|many-[0-24-9]/);
  });

  it('lists a few names of a large change and counts the others', async () => {
    for (let i = 0; i < 50; i += 1) await producer.queues.set(`wave-${i}`, {});
    await worker.waitFor(/"queues":81/);
    const line = consumingLines(worker).at(-1)!;
    const names = line.added as string[];
    expect(names.length).toBeLessThan(50);
    expect(names.length + Number(line.addedNotListed)).toBe(50);
    expect(JSON.stringify(line).length).toBeLessThan(1000);
  });
});
