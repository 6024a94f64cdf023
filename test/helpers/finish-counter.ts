import { QueueEvents } from 'bullmq';
import type { Config } from '../../shared/config.js';

/** Every `completed` and `failed` event of a queue, counted per job id. */
export interface FinishCounter {
  /** How often each job id finished (completed or failed). */
  readonly finishes: Map<string, number>;
  readonly failedReasons: Map<string, string>;
  /** Job ids that finished more than once: must stay empty. */
  finishedTwice(): string[];
  close(): Promise<void>;
}

/**
 * Listens to the queue's event stream from now on. Start it before enqueuing:
 * "nothing lost, nothing twice" is checked by counting these events.
 */
export async function countFinishes(config: Config): Promise<FinishCounter> {
  const events = new QueueEvents(config.queueName, {
    connection: { url: config.redisUrl, maxRetriesPerRequest: null },
    prefix: config.prefix,
  });
  events.on('error', () => undefined);
  const finishes = new Map<string, number>();
  const failedReasons = new Map<string, string>();
  const finish = (jobId: string) => finishes.set(jobId, (finishes.get(jobId) ?? 0) + 1);
  events.on('completed', ({ jobId }) => finish(jobId));
  events.on('failed', ({ jobId, failedReason }) => {
    finish(jobId);
    failedReasons.set(jobId, failedReason);
  });
  await events.waitUntilReady();
  return {
    finishes,
    failedReasons,
    finishedTwice: () => [...finishes].filter(([, n]) => n > 1).map(([id]) => id),
    close: () => events.close(),
  };
}
