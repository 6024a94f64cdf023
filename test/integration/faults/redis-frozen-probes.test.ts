import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useApiOnOwnRedis } from '../../helpers/api-on-own-redis.js';
import { eventually } from '../../helpers/eventually.js';
import { ownRedis, type OwnRedis } from '../../helpers/own-redis.js';
import { testConfig } from '../../helpers/test-config.js';
import { startWorkerProcess, type WorkerProcess } from '../../helpers/worker-process.js';

/** What a probe is promised: an answer within this, ready or not. */
const PROBE_MS = 2000;

/** A probe with the timeout a supervisor would give it: a timeout is a failed test, not a 503. */
async function probe(url: string): Promise<{ status: number; ms: number }> {
  const startedAt = performance.now();
  const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_MS) });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - startedAt };
}

describe('probes while Redis is frozen (SIGSTOP: connections open, nothing answers)', () => {
  const scene = useApiOnOwnRedis();

  it('/health answers 503 within 2 s, again and again, and 200 once Redis runs on', async () => {
    const health = `${scene.url}/health`;
    expect((await probe(health)).status).toBe(200);
    scene.redis.freeze();
    for (let i = 0; i < 3; i += 1) {
      const answer = await probe(health);
      expect(answer.status).toBe(503);
      expect(answer.ms).toBeLessThan(PROBE_MS);
    }
    scene.redis.thaw();
    expect((await probe(health)).status).toBe(200);
  });
});

describe("a worker's /readyz while Redis is frozen", () => {
  let redis: OwnRedis;
  let worker: WorkerProcess | undefined;

  beforeEach(async () => {
    redis = await ownRedis();
  });
  afterEach(async () => {
    redis.thaw();
    await worker?.stop('SIGKILL');
    await redis.destroy();
  });

  it('answers 503 within 2 s, again and again, and 200 once Redis runs on', async () => {
    worker = await startWorkerProcess(testConfig({ REDIS_URL: redis.url }));
    const readyz = worker.probeUrl('/readyz');
    await eventually(async () => (await probe(readyz)).status === 200, 'the worker ready');
    redis.freeze();
    for (let i = 0; i < 3; i += 1) {
      const answer = await probe(readyz);
      expect(answer.status).toBe(503);
      expect(answer.ms).toBeLessThan(PROBE_MS);
    }
    redis.thaw();
    await eventually(async () => (await probe(readyz)).status === 200, 'the worker ready again');
  });
});
