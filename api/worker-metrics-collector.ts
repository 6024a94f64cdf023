import { CANCELLED_STATUS, DURATION_BUCKETS, MetricField } from '../shared/worker-metrics.js';

/** One value of a metric, as prom-client's getMetricsAsJSON gives it. */
interface MetricValue {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

/** A metric as prom-client's getMetricsAsJSON gives it (what AggregatorRegistry.aggregate takes). */
export interface MetricJson {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  values: MetricValue[];
}

const STATUSES = ['success', 'error', CANCELLED_STATUS] as const;
const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx', '1xx', 'none'] as const;

/**
 * The workers' totals (the Redis hash of shared/worker-metrics.ts) as
 * prom-client metric objects, ready for AggregatorRegistry.aggregate.
 * Missing fields count as 0, so every series exists from the start. With
 * `queue`, every series carries that `queue` label.
 */
export function workerMetricsFrom(hash: Record<string, string>, queue?: string): MetricJson[] {
  const metrics = countersFrom(hash);
  if (queue === undefined) return metrics;
  // Each queue's series apart: aggregation sums only equal label sets.
  for (const metric of metrics) {
    for (const value of metric.values) value.labels = { queue, ...value.labels };
  }
  return metrics;
}

function countersFrom(hash: Record<string, string>): MetricJson[] {
  const n = (field: string) => Number(hash[field] ?? 0) || 0;
  const counter = (name: string, help: string, values: MetricValue[]): MetricJson => ({
    name,
    help,
    type: 'counter',
    aggregator: 'sum',
    values,
  });
  let cumulative = 0;
  const buckets = [...DURATION_BUCKETS, '+Inf' as const].map((le) => {
    cumulative += n(MetricField.bucket(le));
    return {
      metricName: 'taskrest_execution_duration_seconds_bucket',
      labels: { le },
      value: cumulative,
    };
  });
  return [
    counter(
      'taskrest_executions_total',
      'Executions finished by the workers, by output status (success, error), or cancelled.',
      STATUSES.map((status) => ({ labels: { status }, value: n(MetricField.execution(status)) })),
    ),
    counter(
      'taskrest_http_responses_total',
      'Final HTTP status class of executions; "none" when no response came (network error, timeout).',
      STATUS_CLASSES.map((c) => ({ labels: { class: c }, value: n(MetricField.statusClass(c)) })),
    ),
    counter(
      'taskrest_retries_total',
      'Retries (extra attempts) made by axios-retry inside executions.',
      [{ labels: {}, value: n(MetricField.RETRIES) }],
    ),
    {
      name: 'taskrest_execution_duration_seconds',
      help: 'Wall time of an execution, retries and redirects included.',
      type: 'histogram',
      aggregator: 'sum',
      values: [
        ...buckets,
        {
          metricName: 'taskrest_execution_duration_seconds_sum',
          labels: {},
          value: n(MetricField.DURATION_SUM),
        },
        {
          metricName: 'taskrest_execution_duration_seconds_count',
          labels: {},
          value: n(MetricField.DURATION_COUNT),
        },
      ],
    },
  ];
}
