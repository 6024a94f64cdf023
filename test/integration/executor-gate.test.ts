import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HoldReason } from '../../shared/destinations/gate-keys.js';
import { ErrorCode } from '../../shared/errors/error-codes.js';
import { createFilesStore } from '../../shared/files/files-store.js';
import { OutputStatus } from '../../shared/output.js';
import {
  executeTask,
  isParked,
  type ExecutionResult,
  type ParkResult,
} from '../../worker/executor/executor.js';
import { createHttpClient, type HttpClient } from '../../worker/executor/http-client.js';
import type {
  AttemptOutcome,
  GateAnswer,
  GateAsk,
  RequestGate,
} from '../../worker/executor/request-gate.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';
import { deleteTestKeys, testConfig } from '../helpers/test-config.js';

/** A gate that answers from a script, and records what it was asked and told. */
class ScriptedGate implements RequestGate {
  readonly asks: GateAsk[] = [];
  readonly outcomes: AttemptOutcome[] = [];
  constructor(readonly answer: (ask: GateAsk, n: number) => 'go' | Omit<GateAnswer, 'settle'>) {}
  ask(ask: GateAsk): GateAnswer {
    this.asks.push(ask);
    const answer = this.answer(ask, this.asks.length);
    if (answer === 'go') {
      return { admitted: true, settle: (outcome) => this.outcomes.push(outcome) };
    }
    return answer as GateAnswer;
  }
}

const hold = (until: number, reason: string = HoldReason.RATE_LIMIT) => ({
  admitted: false as const,
  until,
  reason,
  message: `destination held (${reason})`,
});

/**
 * The executor and the destinations' gate: a held request is not sent and
 * not counted; the first hop parks, a redirect's hop waits; a hold past the
 * deadline fails. The gate is scripted here (the executor takes its
 * collaborators); the real one is tested in test/integration/destinations/.
 */
describe('the executor and the gate', () => {
  const config = testConfig();
  let redis: Redis;
  let server: HttpTestServer;
  let other: HttpTestServer;
  let client: HttpClient;
  const hits = new Map<string, number>();

  beforeAll(async () => {
    redis = new Redis(config.redisUrl);
    client = createHttpClient();
    other = await startHttpTestServer((_req, res) => res.end('{}'));
    server = await startHttpTestServer((req, res) => {
      const n = (hits.get(req.url ?? '') ?? 0) + 1;
      hits.set(req.url ?? '', n);
      if (req.url === '/flaky' && n === 1) res.writeHead(503);
      if (req.url === '/away') res.writeHead(302, { location: `${other.url}/there` });
      res.end('{}');
    });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
    await other.close();
    redis.disconnect();
    await deleteTestKeys(config);
  });

  const run = (task: object, gate: RequestGate, resume?: ParkResult) =>
    executeTask(
      task,
      {
        executionId: 7,
        queue: 'q',
        flowKey: 'tenant-1',
        ...(resume ? { resume: resume.parked } : {}),
      },
      {
        http: client.axios,
        files: createFilesStore(redis, config),
        maxResponseBytes: 1 << 20,
        gate,
        parking: { inlineMs: 5000 },
      },
    );

  it('a held first attempt parks: nothing sent, no attempt counted, and then goes on', async () => {
    const until = Date.now() + 60_000;
    const gate = new ScriptedGate((_ask, n) => (n === 1 ? hold(until) : 'go'));
    const first = await run({ url: `${server.url}/a` }, gate);
    expect(isParked(first)).toBe(true);
    const parked = first as ParkResult;
    expect(parked.held).toBe(HoldReason.RATE_LIMIT);
    expect(parked.parked).toMatchObject({ dueAt: until, retry: 0, attempts: 0, retries: 0 });
    expect(parked.parked.log.at(-1)).toMatch(
      /held until .*: destination held \(rate_limit\): parked/,
    );
    expect(hits.get('/a')).toBeUndefined();
    expect(gate.asks[0]).toEqual({
      origin: `http://127.0.0.1:${new URL(server.url).port}`,
      flowKey: 'tenant-1',
      holder: 'q\n7',
    });

    const resumed = (await run({ url: `${server.url}/a` }, gate, parked)) as ExecutionResult;
    expect(resumed.output.status).toBe(OutputStatus.SUCCESS);
    expect(resumed.counts).toMatchObject({ attempts: 1, retries: 0 });
    expect(resumed.output.log.join('\n')).toMatch(/taken up again after the hold/);
    expect(gate.outcomes).toEqual([
      expect.objectContaining({ status: 200, failed: false, error: null }),
    ]);
  });

  it('a held retry parks owing that retry, which the next run sends', async () => {
    const until = Date.now() + 60_000;
    const gate = new ScriptedGate((_ask, n) => (n === 2 ? hold(until) : 'go'));
    const task = {
      url: `${server.url}/flaky`,
      retry_status_code: [503],
      retry_backoff: { initial: 1 },
    };
    const parked = (await run(task, gate)) as ParkResult;
    expect(parked.parked).toMatchObject({ retry: 1, attempts: 1, retries: 0 });
    // The 503 told the gate the attempt failed (for the circuit).
    expect(gate.outcomes[0]).toMatchObject({ status: 503, failed: true });
    const done = (await run(task, gate, parked)) as ExecutionResult;
    expect(done.output.status).toBe(OutputStatus.SUCCESS);
    expect(done.counts).toMatchObject({ attempts: 2, retries: 1 });
    expect(hits.get('/flaky')).toBe(2);
  });

  it('a hold of known length past the deadline fails the execution at once, saying why', async () => {
    const gate = new ScriptedGate(() => hold(Date.now() + 120_000, HoldReason.CIRCUIT_OPEN));
    const result = (await run(
      { url: `${server.url}/late`, retry_backoff: { deadline: 30 } },
      gate,
    )) as ExecutionResult;
    expect(result.output.status).toBe(OutputStatus.ERROR);
    expect(result.error?.code).toBe(ErrorCode.DEADLINE_EXCEEDED);
    expect(result.output.message).toMatch(
      /destination held \(circuit_open\) until .*past retry_backoff\.deadline \(30 s\)/,
    );
    expect(hits.get('/late')).toBeUndefined();
  });

  it('a waking hold past the deadline parks until just after it (something may release it sooner)', async () => {
    const gate = new ScriptedGate(() => hold(Date.now() + 120_000, HoldReason.CONCURRENCY));
    const parked = (await run(
      { url: `${server.url}/c`, retry_backoff: { deadline: 30 } },
      gate,
    )) as ParkResult;
    expect(parked.parked.dueAt - parked.parked.firstAttemptAt).toBe(30_001);
  });

  it("a redirect's held hop waits in the slot and goes on", async () => {
    const otherOrigin = `http://127.0.0.1:${new URL(other.url).port}`;
    let heldOnce = false;
    const gate = new ScriptedGate((ask) => {
      if (ask.origin !== otherOrigin || heldOnce) return 'go';
      heldOnce = true;
      return hold(Date.now() + 300);
    });
    const result = (await run({ url: `${server.url}/away` }, gate)) as ExecutionResult;
    expect(result.output.status).toBe(OutputStatus.SUCCESS);
    expect(result.output.log.join('\n')).toMatch(/held for 0\.\d s: .*waiting in the worker slot/);
    expect(result.counts).toMatchObject({ attempts: 2, retries: 0 });
  });

  it('a refused connection counts against the circuit', async () => {
    const closed = await startHttpTestServer((_req, res) => res.end());
    const url = `${closed.url}/gone`;
    await closed.close();
    const gate = new ScriptedGate(() => 'go');
    const result = (await run({ url, retry_backoff: { deadline: 0 } }, gate)) as ExecutionResult;
    expect(result.output.status).toBe(OutputStatus.ERROR);
    expect(gate.outcomes[0]).toMatchObject({ status: null, failed: true });
    expect(gate.outcomes[0]?.error).toMatch(/refused/);
  });
});
