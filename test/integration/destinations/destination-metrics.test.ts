import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEST_FIELDS as F,
  gateIndexKeys,
  subjectKeys,
} from '../../../shared/destinations/gate-keys.js';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';
import { GateRedis } from '../../helpers/gate-redis.js';

/** The value of one sample line of the Prometheus text, or undefined when absent. */
function sample(text: string, metric: string, label: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${metric}{${label}} `));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

/** `/metrics`: the destinations' gauges with bounded labels, and the held counter by reason. */
describe('destinations on /metrics', () => {
  let h: ApiHarness;
  let redis: GateRedis;

  beforeAll(async () => {
    h = await startApiHarness({}, { worker: false });
    redis = new GateRedis(h.config);
  });
  afterAll(async () => {
    redis?.disconnect();
    await h?.close();
  });

  it('gives the 20 busiest origins a label each and sums the rest under "other"', async () => {
    const now = Date.now();
    const index = gateIndexKeys(h.config.prefix);
    // 25 origins: busy-0 … busy-24, origin i with i requests in flight; 3 of them open.
    for (let i = 0; i < 25; i++) {
      const origin = `https://busy-${i}.example:443`;
      const keys = subjectKeys(h.config.prefix, 'dest', origin);
      await redis.zadd(index.destinations, now - i, origin);
      if (i > 0) await redis.hset(keys.state, `${F.inflightPrefix}w1`, `${i}:${now + 60_000}`);
      if (i % 10 === 0) await redis.hset(keys.state, F.circuit, 'open');
    }
    await redis.zadd(
      subjectKeys(h.config.prefix, 'dest', 'https://busy-3.example:443').held,
      now,
      'q\n1',
    );
    await redis.hset(index.heldTotal, 'circuit_open', 7, 'rate_limit', 2);
    const response = await fetch(`${h.url}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const of = (metric: string, origin: string) =>
      sample(text, `taskrest_destination_${metric}`, `origin="${origin}"`);
    // Busiest first: 24 … 5 keep their label; busy-4 and busy-3 (3 in flight + 1 held) and the
    // idle ones are summed.
    expect(of('in_flight', 'https://busy-24.example:443')).toBe(24);
    expect(of('in_flight', 'https://busy-5.example:443')).toBe(5);
    expect(of('in_flight', 'https://busy-4.example:443')).toBeUndefined();
    expect(of('in_flight', 'other')).toBe(0 + 1 + 2 + 3 + 4);
    expect(of('held', 'other')).toBe(1);
    expect(of('held', 'https://busy-24.example:443')).toBe(0);
    expect(of('circuit_open', 'https://busy-20.example:443')).toBe(1);
    expect(of('circuit_open', 'https://busy-10.example:443')).toBe(1);
    expect(of('circuit_open', 'https://busy-21.example:443')).toBe(0);
    expect(of('circuit_open', 'other')).toBe(1);
    expect(text.match(/^taskrest_destination_in_flight\{/gm)).toHaveLength(21);
    expect(sample(text, 'taskrest_executions_held_total', 'reason="circuit_open"')).toBe(7);
    expect(sample(text, 'taskrest_executions_held_total', 'reason="rate_limit"')).toBe(2);
  });
});
