import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { gateTag, holderOf } from '../../shared/destinations/gate-keys.js';
import type {
  AttemptOutcome,
  GateAnswer,
  GateHold,
  GatePass,
} from '../../worker/executor/request-gate.js';
import { RedisGate, type RedisGateOptions } from '../../worker/runtime/gate/redis-gate.js';
import { TEST_REDIS_URL } from './test-config.js';

/** A clock the test moves by hand: every gate of a kit reads it. */
export interface TestClock {
  now: number;
}

/** A RedisGate on connections of its own, with what it woke and the commands its connection sent. */
export interface TestGate {
  readonly gate: RedisGate;
  readonly connection: Redis;
  readonly subscriber: Redis;
  /** Every holder onWake was given, in order. */
  readonly woken: string[];
  /** Resolves with the holders of the next onWake call. */
  nextWake(): Promise<string[]>;
  /** The names of the commands sent on `connection` since the gate was made. */
  readonly commands: string[];
}

/** Gates sharing one prefix and clock, and their cleanup. */
export interface GateKit {
  readonly prefix: string;
  readonly clock: TestClock;
  /** A new gate; `options` override the kit's defaults. */
  open(options?: Partial<RedisGateOptions>): Promise<TestGate>;
  /** A plain connection for looking at (and setting) the gate's keys. */
  readonly redis: Redis;
  /** Closes every gate and connection, and deletes the prefix's keys. */
  close(): Promise<void>;
}

/** The lease every kit's gate uses (ms). */
export const KIT_LEASE_MS = 30_000;

/** A whole second, so that per-second counters start at a known boundary. */
export const KIT_START = 1_800_000_000_000;

/** A kit under a prefix of its own (`test-<uuid>`). */
export function gateKit(): GateKit {
  const prefix = `test-${randomUUID()}`;
  const clock: TestClock = { now: KIT_START };
  const redis = new Redis(TEST_REDIS_URL);
  const gates: TestGate[] = [];
  return {
    prefix,
    clock,
    redis,
    async open(options = {}) {
      const gate = await openGate(prefix, clock, gates.length, options);
      gates.push(gate);
      return gate;
    },
    async close() {
      for (const { gate, connection } of gates) {
        await gate.close();
        connection.disconnect();
      }
      await deleteKeys(redis, `${gateTag(prefix)}*`);
      redis.disconnect();
    },
  };
}

async function openGate(
  prefix: string,
  clock: TestClock,
  n: number,
  options: Partial<RedisGateOptions>,
): Promise<TestGate> {
  const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const subscriber = new Redis(TEST_REDIS_URL, { connectionName: `gate-sub-${randomUUID()}` });
  const commands = countCommands(connection);
  const woken: string[] = [];
  let waiting: ((holders: string[]) => void) | undefined;
  const gate = new RedisGate({
    connection,
    subscriber,
    prefix,
    workerId: `worker-${n}`,
    circuitFailures: 3,
    circuitCooldownMs: 10_000,
    maxHoldMs: 60_000,
    leaseMs: KIT_LEASE_MS,
    onWake: (holders) => {
      woken.push(...holders);
      waiting?.(holders);
      waiting = undefined;
    },
    now: () => clock.now,
    flushIntervalMs: 60_000,
    ...options,
  });
  await gate.ready();
  const nextWake = () => new Promise<string[]>((resolve) => (waiting = resolve));
  return { gate, connection, subscriber, woken, nextWake, commands };
}

/** Cuts `gate`'s subscriber connection from the server's side (it reconnects by itself). */
export async function killSubscriber(redis: Redis, gate: TestGate): Promise<void> {
  const name = gate.subscriber.options.connectionName ?? '';
  const clients = (await redis.client('LIST')) as string;
  const line = clients.split('\n').find((entry) => entry.includes(` name=${name} `));
  const id = /^id=(\d+)/.exec(line ?? '')?.[1];
  if (id === undefined) throw new Error(`no connection named ${name}`);
  await redis.client('KILL', 'ID', id);
}

/** Records the name of every command `redis` sends (the gate's scripts go through sendCommand too). */
function countCommands(redis: Redis): string[] {
  const names: string[] = [];
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (command, stream) => {
    names.push(command.name);
    return send(command, stream);
  };
  return names;
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

/** A holder of the test queue. */
export const holder = (id: string): string => holderOf('q', id);

/** Asks `gate` for a request of `id` to `origin`. */
export async function ask(
  gate: TestGate,
  origin: string,
  id: string,
  flowKey?: string,
): Promise<GateAnswer> {
  return gate.gate.ask({ origin, flowKey, holder: holder(id) });
}

/** The answer as a pass (fails the test when it is a hold). */
export function passOf(answer: GateAnswer): GatePass {
  if (!answer.admitted) throw new Error(`expected a pass, got a hold: ${answer.message}`);
  return answer;
}

/** The answer as a hold (fails the test when it is a pass). */
export function holdOf(answer: GateAnswer): GateHold {
  if (answer.admitted) throw new Error('expected a hold, got a pass');
  return answer;
}

/** How requests end in the tests. */
export const OK: AttemptOutcome = { status: 200, headers: {}, failed: false, error: null };
export const FAILED_503: AttemptOutcome = {
  status: 503,
  headers: {},
  failed: true,
  error: 'HTTP 503 Service Unavailable',
};
export const BARE_429: AttemptOutcome = { status: 429, headers: {}, failed: false, error: null };
export const retryAfter429 = (seconds: number): AttemptOutcome => ({
  status: 429,
  headers: { 'retry-after': String(seconds) },
  failed: false,
  error: null,
});
