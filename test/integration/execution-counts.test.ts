import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFilesStore } from '../../shared/files/files-store.js';
import { OutputStatus, type TaskOutput } from '../../shared/output.js';
import { queueKeyBase } from '../../shared/queue-keys.js';
import { MetricField, workerMetricsKey } from '../../shared/worker-metrics.js';
import { executeTask } from '../../worker/executor/executor.js';
import { createHttpClient, type HttpClient } from '../../worker/executor/http-client.js';
import { startMetricsRecorder } from '../../worker/runtime/metrics-recorder.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';
import { deleteTestKeys, testConfig } from '../helpers/test-config.js';

/**
 * Metrics count what the executor counted, not what its log text looks like:
 * the log is for people, and a line can look like a retry without being one.
 */
describe('execution counts', () => {
  const config = testConfig();
  let redis: Redis;
  let server: HttpTestServer;
  let client: HttpClient;
  const hits = new Map<string, number>();

  beforeAll(async () => {
    redis = new Redis(config.redisUrl);
    client = createHttpClient();
    // /flaky: 503 twice, then a redirect to /done (200).
    server = await startHttpTestServer((req, res) => {
      const n = (hits.get(req.url ?? '') ?? 0) + 1;
      hits.set(req.url ?? '', n);
      if (req.url === '/flaky' && n <= 2) res.writeHead(503);
      else if (req.url === '/flaky') res.writeHead(302, { location: '/done' });
      res.end('{}');
    });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
    redis.disconnect();
    await deleteTestKeys(config);
  });

  it('the executor result carries attempts, retries and the status class', async () => {
    const result = await executeTask(
      {
        url: `${server.url}/flaky`,
        retry_status_code: [503],
        retry_backoff: { initial: 1, maximum: 1, deadline: 30 },
      },
      { executionId: 1 },
      { http: client.axios, files: createFilesStore(redis, config), maxResponseBytes: 1 << 20 },
    );
    expect(result.output.status).toBe(OutputStatus.SUCCESS);
    // Two retries of the first hop, then the redirect's hop: four requests.
    expect(result.counts).toEqual({ attempts: 4, retries: 2, statusClass: '2xx' });
    expect(hits.get('/flaky')).toBe(3);
    expect(hits.get('/done')).toBe(1);
  });

  it('the recorder counts retries from the result, whatever the log lines say', async () => {
    // The queue exists (BullMQ's first job writes its meta): counts of a removed queue are dropped.
    await redis.hset(`${queueKeyBase(config)}:meta`, 'opts.maxLenEvents', 10_000);
    const recorder = startMetricsRecorder(redis, config, { flushIntervalMs: 60_000 });
    const output = (log: string[], status_code: number | null): TaskOutput => ({
      execution_id: 1,
      status: OutputStatus.SUCCESS,
      message: 'HTTP 200',
      status_code,
      headers: {},
      text: '',
      cookies: {},
      encoding: 'utf-8',
      log,
    });
    // Lines a text match on the log would take for three retries: none of them is one.
    const lookalikes = [
      '2026-01-01T00:00:00.000Z retry 1 in 1.0 s after HTTP 503',
      '2026-01-01T00:00:01.000Z retry 2 in 2.0 s after HTTP 503',
      'retry-of-a-different-kind retry 3 in 4.0 s after nothing',
    ];
    recorder.record(
      { output: output(lookalikes, 200), counts: { attempts: 1, retries: 0, statusClass: '2xx' } },
      10,
    );
    // Two real retries, and not one line about them.
    recorder.record(
      { output: output([], 404), counts: { attempts: 3, retries: 2, statusClass: '4xx' } },
      10,
    );
    await recorder.close();
    const counts = await redis.hgetall(workerMetricsKey(config));
    expect(counts[MetricField.RETRIES]).toBe('2');
    expect(counts[MetricField.statusClass('2xx')]).toBe('1');
    expect(counts[MetricField.statusClass('4xx')]).toBe('1');
    expect(counts[MetricField.DURATION_COUNT]).toBe('2');
  });
});
