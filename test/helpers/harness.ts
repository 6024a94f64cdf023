import type { Config } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { TaskProducer } from '../../producer/task-producer.js';
import { producerOptionsOf } from '../../producer/task-producer-options.js';
import { TestQueue } from './test-queue.js';
import type { TaskInput } from '../../shared/task-schema.js';
import type { Execution } from '../../shared/execution.js';
import {
  startTaskWorker,
  type TaskWorker,
  type TaskWorkerOptions,
} from '../../worker/runtime/task-worker.js';
import { deleteTestKeys, testConfig } from './test-config.js';

/** A producer and an in-process worker on a queue of their own, against the real Redis. */
export interface Harness {
  config: Config;
  producer: TaskProducer;
  /** The queue itself, to look inside it. */
  queue: TestQueue;
  worker: TaskWorker;
  /** Enqueues a task and waits for its execution to finish. */
  run(task: TaskInput, timeoutMs?: number): Promise<Execution>;
  close(): Promise<void>;
}

export function startHarness(
  env: Record<string, string> = {},
  workerOptions: TaskWorkerOptions = {},
): Harness {
  const config = testConfig(env);
  const producer = new TaskProducer(producerOptionsOf(config));
  const queue = new TestQueue(config);
  const worker = startTaskWorker(config, createLogger(config), workerOptions);
  return {
    config,
    producer,
    queue,
    worker,
    async run(task, timeoutMs = 20_000) {
      const { executionId } = await producer.enqueue(task);
      const execution = await producer.waitForResult(executionId, { timeoutMs });
      if (!execution) throw new Error(`execution ${executionId} vanished`);
      if (!execution.output) throw new Error(`no output: ${JSON.stringify(execution)}`);
      return execution;
    },
    async close() {
      await worker.close();
      await producer.close();
      await queue.close();
      await deleteTestKeys(config);
    },
  };
}
