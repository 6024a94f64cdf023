import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../helpers/api-harness.js';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/free-port.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';

/** One sample per `name{labels}`, from the Prometheus text format. */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}

let h: ApiHarness;

/** The sample key of `name` for the harness's queue: every series carries a `queue` label. */
function q(name: string, labels = ''): string {
  return `${name}{queue="${h.config.queueName}"${labels ? `,${labels}` : ''}}`;
}
let peer: HttpTestServer;
const seen = new Map<string, number>();

async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(`${h.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(await response.text());
}

beforeAll(async () => {
  // /ok answers 200; /flaky answers 503 the first time, then 200; /missing 404.
  peer = await startHttpTestServer((req, res) => {
    const n = (seen.get(req.url ?? '') ?? 0) + 1;
    seen.set(req.url ?? '', n);
    if (req.url === '/flaky' && n === 1) res.writeHead(503);
    else if (req.url === '/missing') res.writeHead(404);
    res.end('{}');
  });
  h = await startApiHarness();
});

afterAll(async () => {
  await h?.close();
  await peer?.close();
});

describe('/metrics', () => {
  it('jobs by state, workers, executions, status classes, retries and durations move as tasks run', async () => {
    const before = await scrape();
    expect(before.get(q('taskrest_executions_total', 'status="success"'))).toBe(0);
    expect(before.get(q('taskrest_execution_duration_seconds_count'))).toBe(0);
    expect(before.get(q('taskrest_jobs', 'state="completed"'))).toBe(0);
    expect(before.get(q('taskrest_workers'))).toBe(1);

    const refused = await freePort();
    const tasks = [
      { url: `${peer.url}/ok` },
      { url: `${peer.url}/ok` },
      {
        url: `${peer.url}/flaky`,
        retry_status_code: [503],
        retry_backoff: { initial: 1, maximum: 1, deadline: 30 },
      },
      { url: `${peer.url}/missing` },
      // Connection refused, and no time left to retry it.
      { url: `http://127.0.0.1:${refused}/`, retry_backoff: { deadline: 0 } },
    ];
    for (const task of tasks) {
      const { executionId } = await h.api.producer.enqueue(task);
      const execution = await h.api.producer.waitForResult(executionId, { timeoutMs: 20_000 });
      expect(['completed', 'failed']).toContain(execution?.state);
    }

    // Workers send their counts once a second.
    const after = await eventually(async () => {
      const scraped = await scrape();
      return scraped.get(q('taskrest_execution_duration_seconds_count')) === 5 && scraped;
    }, 'five executions counted');
    expect(after.get(q('taskrest_executions_total', 'status="success"'))).toBe(3);
    expect(after.get(q('taskrest_executions_total', 'status="error"'))).toBe(2);
    expect(after.get(q('taskrest_http_responses_total', 'class="2xx"'))).toBe(3);
    expect(after.get(q('taskrest_http_responses_total', 'class="4xx"'))).toBe(1);
    expect(after.get(q('taskrest_http_responses_total', 'class="5xx"'))).toBe(0);
    expect(after.get(q('taskrest_http_responses_total', 'class="none"'))).toBe(1);
    expect(after.get(q('taskrest_retries_total'))).toBe(1);
    expect(after.get(q('taskrest_execution_duration_seconds_count'))).toBe(5);
    expect(after.get(q('taskrest_execution_duration_seconds_bucket', 'le="+Inf"'))).toBe(5);
    // The flaky task waited at least a second before its retry.
    expect(after.get(q('taskrest_execution_duration_seconds_sum'))).toBeGreaterThanOrEqual(1);
    expect(after.get(q('taskrest_execution_duration_seconds_bucket', 'le="0.5"'))).toBeLessThan(5);
    // Buckets are cumulative.
    let previous = 0;
    for (const [name, value] of after) {
      if (!name.startsWith('taskrest_execution_duration_seconds_bucket')) continue;
      expect(value).toBeGreaterThanOrEqual(previous);
      previous = value;
    }
    expect(after.get(q('taskrest_jobs', 'state="completed"'))).toBe(3);
    expect(after.get(q('taskrest_jobs', 'state="failed"'))).toBe(2);
    expect(after.get(q('taskrest_jobs', 'state="waiting"'))).toBe(0);

    await h.worker?.close();
    h.worker = undefined;
    const stopped = await scrape();
    expect(stopped.get(q('taskrest_workers'))).toBe(0);
    // Counts outlive the worker that made them.
    expect(stopped.get(q('taskrest_executions_total', 'status="success"'))).toBe(3);
  });
});
