import { AggregatorRegistry, Gauge, Registry } from 'prom-client';
import type { Config } from '../shared/config.js';
import { waitForRedis, type RedisClient } from '../shared/redis-connection.js';
import { workerMetricsKey } from '../shared/worker-metrics.js';
import { addDestinationMetrics } from './destination-metrics.js';
import { addHistoryMetrics } from './history-metrics.js';
import { workerMetricsFrom } from './worker-metrics-collector.js';
import type { QueueViews } from './queue-views.js';

const STATES = ['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed'] as const;

/** What `/metrics` shows. */
export interface PrometheusMetrics {
  readonly contentType: string;
  /** The metrics in Prometheus text format, read from Redis now. */
  render(): Promise<string>;
}

/**
 * Jobs by state and the number of workers (asked of BullMQ at scrape time),
 * and the workers' counters and duration histogram (from the Redis hash the
 * workers add to), each with a `queue` label; and the destinations' gate
 * (destination-metrics.ts), with an `origin` label. A registry of its own, not
 * prom-client's global one, so that several servers can live in one process.
 */
export function createPrometheusMetrics(
  views: QueueViews,
  redis: RedisClient,
  config: Pick<Config, 'prefix'>,
): PrometheusMetrics {
  const registry = new Registry();
  // The queues of this scrape, read once per render (both gauges use them).
  let names: string[] = [];
  new Gauge({
    name: 'taskrest_jobs',
    help: 'Executions in the queue by BullMQ state (retention removes old completed and failed ones).',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const queue of names) {
        const counts = await views.queueOf(queue).getJobCounts(...STATES);
        for (const state of STATES) this.set({ queue, state }, counts[state] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'taskrest_workers',
    help: 'Worker processes connected to the queue (BullMQ getWorkers).',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const queue of names) this.set({ queue }, await views.queueOf(queue).getWorkersCount());
    },
  });
  addHistoryMetrics(registry, redis, config.prefix, () => names);
  const destinations = addDestinationMetrics(registry, redis, config.prefix);
  return {
    contentType: registry.contentType,
    async render() {
      await waitForRedis(redis);
      names = await views.names();
      await destinations.refresh();
      const perQueue = await Promise.all(
        names.map(async (queueName) =>
          workerMetricsFrom(
            await redis.hgetall(workerMetricsKey({ prefix: config.prefix, queueName })),
            queueName,
          ),
        ),
      );
      const workers = AggregatorRegistry.aggregate(perQueue);
      return Registry.merge([registry, workers as Registry]).metrics();
    },
  };
}
