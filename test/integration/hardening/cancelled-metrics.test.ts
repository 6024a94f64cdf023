import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';
import { eventually } from '../../helpers/eventually.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';

/** One sample per `name{labels}`, from the Prometheus text format. */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}

/**
 * A cancelled execution finished too: `/metrics` counts it, under a status
 * of its own, and its time in the duration histogram. Without that, the
 * executions total undercounts what the workers did, and the sum of the
 * statuses does not match the histogram's count.
 */
describe('/metrics counts cancelled executions', () => {
  let h: ApiHarness;
  let target: ScriptedTarget;
  const q = (name: string, labels = '') =>
    `${name}{queue="${h.config.queueName}"${labels ? `,${labels}` : ''}}`;
  const scrape = async () => parseMetrics(await (await fetch(`${h.url}/metrics`)).text());

  beforeAll(async () => {
    target = await startScriptedTarget({ routes: { '/held': 'hold' } });
    h = await startApiHarness();
  });
  afterAll(async () => {
    await h?.close();
    await target?.close();
  });

  it('status="cancelled" in taskrest_executions_total, and one observation in the duration histogram', async () => {
    const { producer } = h.api;
    const held = await producer.enqueue({ url: `${target.url}/held` });
    await target.waitFor(1, { path: '/held' });
    expect(await producer.cancel(held.executionId)).toMatchObject({ state: 'failed' });
    // Counted after the cancelled one by the same worker: once its count is
    // scraped, the cancelled one's was sent in the same batch or an earlier one.
    const ok = await producer.enqueue({ url: `${target.url}/ok` });
    expect((await producer.waitForResult(ok.executionId))?.state).toBe('completed');
    const after = await eventually(async () => {
      const scraped = await scrape();
      return scraped.get(q('taskrest_executions_total', 'status="success"')) === 1 && scraped;
    }, 'the completed execution counted');

    expect(after.get(q('taskrest_executions_total', 'status="cancelled"'))).toBe(1);
    expect(after.get(q('taskrest_executions_total', 'status="error"'))).toBe(0);
    expect(after.get(q('taskrest_execution_duration_seconds_count'))).toBe(2);
    expect(after.get(q('taskrest_execution_duration_seconds_bucket', 'le="+Inf"'))).toBe(2);
    // Its request was cut off, not answered and not a network error.
    expect(after.get(q('taskrest_http_responses_total', 'class="none"'))).toBe(0);
    expect(after.get(q('taskrest_http_responses_total', 'class="2xx"'))).toBe(1);
  });
});
