import type { Queue } from 'bullmq';
import { AggregatorRegistry, Gauge, Registry } from 'prom-client';
import type { Config } from '../shared/config.js';
import { waitForRedis, type RedisClient } from '../shared/redis-connection.js';
import { workerMetricsKey } from '../shared/worker-metrics.js';
import { workerMetricsFrom } from './worker-metrics-collector.js';

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
 * workers add to). A registry of its own, not prom-client's global one, so
 * that several servers can live in one process.
 */
export function createPrometheusMetrics(
  queue: Queue,
  redis: RedisClient,
  config: Pick<Config, 'prefix' | 'queueName'>,
): PrometheusMetrics {
  const registry = new Registry();
  new Gauge({
    name: 'taskrest_jobs',
    help: 'Executions in the queue by BullMQ state (retention removes old completed and failed ones).',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await queue.getJobCounts(...STATES);
      for (const state of STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
  new Gauge({
    name: 'taskrest_workers',
    help: 'Worker processes connected to the queue (BullMQ getWorkers).',
    registers: [registry],
    async collect() {
      this.set(await queue.getWorkersCount());
    },
  });
  return {
    contentType: registry.contentType,
    async render() {
      await waitForRedis(redis);
      const totals = await redis.hgetall(workerMetricsKey(config));
      const workers = AggregatorRegistry.aggregate([workerMetricsFrom(totals)]);
      return Registry.merge([registry, workers as Registry]).metrics();
    },
  };
}
