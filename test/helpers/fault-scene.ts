import { afterEach, beforeEach } from 'vitest';
import type { Config } from '../../shared/config.js';
import { TaskProducer } from '../../producer/task-producer.js';
import { producerOptionsOf } from '../../producer/task-producer-options.js';
import { TestQueue } from './test-queue.js';
import { startCountingTarget, type CountingTarget } from './counting-target.js';
import { countFinishes, type FinishCounter } from './finish-counter.js';
import { deleteTestKeys, testConfig } from './test-config.js';
import { startWorkerProcess, type WorkerProcess } from './worker-process.js';

/** What a fault test works with: a counting target, a queue of its own, its producer, and the finishes seen. */
export interface FaultScene {
  target: CountingTarget;
  config: Config;
  producer: TaskProducer;
  /** The scene's queue, to look inside it. */
  queue: TestQueue;
  finishes: FinishCounter;
  /** Worker processes started with `worker()`; all are killed after each test. */
  readonly workers: WorkerProcess[];
  /** Starts a real `taskrest worker` process on the scene's queue. */
  worker(env?: Record<string, string>): Promise<WorkerProcess>;
}

/**
 * Sets up a fresh scene before each test of the enclosing describe and tears
 * it down after (workers killed, connections closed, keys deleted).
 */
export function useFaultScene(baseEnv: Record<string, string> = {}): FaultScene {
  const scene = {
    workers: [] as WorkerProcess[],
    async worker(env: Record<string, string> = {}) {
      const started = await startWorkerProcess(scene.config, { ...baseEnv, ...env });
      scene.workers.push(started);
      return started;
    },
  } as FaultScene;
  beforeEach(async () => {
    scene.target = await startCountingTarget();
    scene.config = testConfig();
    scene.producer = new TaskProducer(producerOptionsOf(scene.config));
    scene.queue = new TestQueue(scene.config);
    scene.finishes = await countFinishes(scene.config);
  });
  afterEach(async () => {
    await Promise.all(scene.workers.splice(0).map((w) => w.stop('SIGKILL')));
    await scene.finishes.close();
    await scene.producer.close();
    await scene.queue.close();
    await scene.target.close();
    await deleteTestKeys(scene.config);
  });
  return scene;
}
