import { Counter, Gauge, type Registry } from 'prom-client';
import { historyDroppedKey, historyStreamKey } from '../shared/history/history-stream.js';
import type { RedisClient } from '../shared/redis-connection.js';

/**
 * The history's two numbers per queue, read from Redis at scrape time:
 * `taskrest_history_backlog`, the records its stream holds that no
 * recorder has written yet (XLEN: a recorder deletes what it wrote), and
 * `taskrest_history_dropped_total`, the records the stream's cap trimmed
 * before a recorder read them (the counter the workers' append script
 * adds to). A growing backlog says the recorders are down or behind;
 * anything dropped is missing from the history for good.
 */
export function addHistoryMetrics(
  registry: Registry,
  redis: RedisClient,
  prefix: string,
  queues: () => readonly string[],
): void {
  new Gauge({
    name: 'taskrest_history_backlog',
    help: 'Ended executions waiting in the queue’s Redis stream for a history recorder.',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const queueName of queues()) {
        this.set({ queue: queueName }, await redis.xlen(historyStreamKey({ prefix, queueName })));
      }
    },
  });
  new Counter({
    name: 'taskrest_history_dropped_total',
    help: 'Ended executions trimmed from the queue’s history stream before a recorder read them.',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const queueName of queues()) {
        const dropped = Number(await redis.get(historyDroppedKey({ prefix, queueName }))) || 0;
        this.inc({ queue: queueName }, dropped);
      }
    },
  });
}
