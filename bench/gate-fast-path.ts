/**
 * `npm run bench:gate [-- --requests N] [--rounds K]`: what the destinations'
 * gate itself costs a request, in one process, without HTTP or BullMQ
 * around it, so that the figure is the gate's code and nothing else.
 *
 * - **unrestricted**: a destination with nothing set, known as such (the
 *   changes channel is heard): each request makes its HopGate, asks, and
 *   settles with a plain 200, as the gated adapter does. No Redis call is
 *   expected; the median of K rounds of N requests, in µs per request.
 * - **limited**: the same destination with `max_concurrency` set (high
 *   enough never to hold), so every request calls the admit script and its
 *   settle the settle script: one round trip each, one request at a time;
 *   µs per request, wall and this process's CPU.
 *
 * Redis calls per request are read from `INFO commandstats` around each
 * scene: the script calls the gate sent, and every command those scripts
 * ran. Runs its own redis-server on a free port; writes
 * bench/results/gate-fast-path.json.
 */
import type { AxiosResponse } from 'axios';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { settingsChange, applyGateChange } from '../shared/destinations/gate-settings-writer.js';
import { freePort, startRedisServer } from '../shared/redis-server-process.js';
import { HopGate } from '../worker/executor/gate/hop-gate.js';
import { RedisGate } from '../worker/runtime/gate/redis-gate.js';
import { numberOption } from './bench-args.js';
import { REPO } from './build-revision.js';
import { callsPer, commandCounts } from './redis-command-counts.js';
import { median, round } from './stats.js';

const ORIGIN = 'http://127.0.0.1:8080';
const PREFIX = 'bench-gate';
const OK = {
  status: 200,
  statusText: 'OK',
  headers: { 'content-type': 'application/json', 'content-length': '1024' },
  data: null,
  config: {},
} as unknown as AxiosResponse;

/**
 * Per request since `before`: the script calls sent (EVALSHA, EVAL), and
 * every command run, those inside the scripts included.
 */
async function callsSince(url: string, before: ReadonlyMap<string, number>, requests: number) {
  const per = callsPer(before, await commandCounts(url), requests);
  const scripts = (per.get('evalsha') ?? 0) + (per.get('eval') ?? 0);
  const commands = [...per.values()].reduce((a, b) => a + b, 0);
  return { scriptCallsPerRequest: round(scripts, 4), commandsPerRequest: round(commands, 4) };
}

/** One request through the gate as the gated adapter sends it; `i` names its execution. */
async function request(gate: RedisGate, i: number): Promise<boolean> {
  const hop = new HopGate(gate, { origin: ORIGIN, flowKey: undefined, holder: `q\n${i}` }, []);
  const entered = hop.enter();
  const answer = entered instanceof Promise ? await entered : entered;
  if (!answer.admitted) throw new Error(`held: ${answer.message}`);
  hop.ended(answer, OK, null);
  return !(entered instanceof Promise);
}

async function unrestricted(gate: RedisGate, requests: number, rounds: number) {
  const perRequest: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const begin = process.hrtime.bigint();
    for (let i = 0; i < requests; i++) {
      if (!(await request(gate, i))) throw new Error('an unrestricted request asked Redis');
    }
    perRequest.push(Number(process.hrtime.bigint() - begin) / requests / 1000);
  }
  return perRequest;
}

async function limited(gate: RedisGate, requests: number) {
  const cpu = process.cpuUsage();
  const begin = process.hrtime.bigint();
  for (let i = 0; i < requests; i++) await request(gate, i);
  // Each settle's script runs in the background: wait for the last ones.
  await gate.idle();
  const wallUs = Number(process.hrtime.bigint() - begin) / requests / 1000;
  const used = process.cpuUsage(cpu);
  return { wallUs, cpuUs: (used.user + used.system) / requests };
}

async function main(): Promise<void> {
  const requests = numberOption('--requests', 200_000);
  const rounds = numberOption('--rounds', 7);
  const server = await startRedisServer({ port: await freePort() });
  const connection = new Redis(server.url);
  const admin = new Redis(server.url);
  const gate = new RedisGate({
    connection,
    subscriber: () => new Redis(server.url),
    prefix: PREFIX,
    workerId: 'bench',
    circuitFailures: 5,
    circuitCooldownMs: 30_000,
    maxHoldMs: 600_000,
    leaseMs: 30_000,
    onWake: () => {},
    // The counts go once, at the end: no flush inside a measured round.
    flushIntervalMs: 3_600_000,
  });
  try {
    await gate.ready();
    // The first request asks Redis and learns the destination is unrestricted.
    await request(gate, 0);
    const before = await commandCounts(server.url);
    const fast = await unrestricted(gate, requests, rounds);
    const fastCalls = await callsSince(server.url, before, requests * rounds);

    await applyGateChange(admin, PREFIX, 'dest', ORIGIN, settingsChange({ max_concurrency: 1e6 }));
    const limitedRequests = Math.max(1, Math.round(requests / 40));
    await limited(gate, Math.min(1000, limitedRequests)); // warm-up
    const beforeLimited = await commandCounts(server.url);
    const slow = await limited(gate, limitedRequests);
    const slowCalls = await callsSince(server.url, beforeLimited, limitedRequests);

    const result = {
      date: new Date().toISOString(),
      node: process.version,
      unrestricted: {
        requests,
        rounds,
        usPerRequest: round(median(fast), 3),
        samplesUs: fast.map((us) => round(us, 3)),
        ...fastCalls,
      },
      limited: {
        requests: limitedRequests,
        wallUsPerRequest: round(slow.wallUs, 1),
        cpuUsPerRequest: round(slow.cpuUs, 1),
        ...slowCalls,
      },
    };
    process.stdout.write(
      `unrestricted: ${result.unrestricted.usPerRequest} µs per request (median of ${rounds} rounds of ${requests}), ` +
        `${fastCalls.scriptCallsPerRequest} script calls and ${fastCalls.commandsPerRequest} Redis commands per request\n` +
        `limited: ${result.limited.wallUsPerRequest} µs per request one at a time, ` +
        `${result.limited.cpuUsPerRequest} µs CPU, ${slowCalls.scriptCallsPerRequest} script calls ` +
        `(${slowCalls.commandsPerRequest} commands inside them) per request\n`,
    );
    mkdirSync(path.join(REPO, 'bench', 'results'), { recursive: true });
    writeFileSync(
      path.join(REPO, 'bench', 'results', 'gate-fast-path.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
  } finally {
    await gate.close();
    connection.disconnect();
    admin.disconnect();
    await server.stop();
  }
}

await main();
