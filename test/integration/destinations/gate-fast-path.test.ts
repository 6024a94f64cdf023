import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gateIndexKeys, subjectKeys } from '../../../shared/destinations/gate-keys.js';
import type { GateAnswer } from '../../../worker/executor/request-gate.js';
import { eventually } from '../../helpers/eventually.js';
import {
  FAILED_503,
  KIT_START,
  OK,
  gateKit,
  holdOf,
  holder,
  killSubscriber,
  passOf,
  retryAfter429,
  type GateKit,
  type TestGate,
} from '../../helpers/gate-kit.js';

const ORIGIN = 'http://127.0.0.1:8080';

/** The answer of `gate` when it came at once; fails when it came as a Promise. */
function answeredAtOnce(gate: TestGate, id: string, flowKey?: string): GateAnswer {
  const answer = gate.gate.ask({ origin: ORIGIN, flowKey, holder: holder(id) });
  if (answer instanceof Promise) throw new Error('expected an answer at once, got a Promise');
  return answer;
}

/** Whether `gate` asks Redis for this request (it answers with a Promise). */
async function askedRedis(
  gate: TestGate,
  id: string,
  flowKey?: string,
): Promise<GateAnswer | null> {
  const answer = gate.gate.ask({ origin: ORIGIN, flowKey, holder: holder(id) });
  return answer instanceof Promise ? answer : null;
}

/** The next message `gate`'s subscriber hears (its own handler ran first: it was registered first). */
const nextMessage = (gate: TestGate) =>
  new Promise<string>((resolve) =>
    gate.subscriber.once('message', (_: string, m: string) => resolve(m)),
  );

describe('gate fast path', () => {
  let kit: GateKit;
  let a: TestGate;
  let b: TestGate;

  beforeEach(async () => {
    kit = gateKit();
    [a, b] = [await kit.open(), await kit.open()];
  });
  afterEach(() => kit.close());

  it('answers an unrestricted origin at once without a Redis command, and reports it in the flush', async () => {
    passOf((await askedRedis(a, 'first', 'tenant'))!).settle(OK);
    await a.gate.idle();
    const sent = a.commands.length;
    expect(sent).toBeGreaterThan(0);

    const running = passOf(answeredAtOnce(a, 'fast-0', 'tenant'));
    for (let i = 1; i < 5; i += 1) passOf(answeredAtOnce(a, `fast-${i}`, 'tenant')).settle(OK);
    expect(a.commands.length).toBe(sent);

    await a.gate.flush();
    const dest = subjectKeys(kit.prefix, 'dest', ORIGIN);
    const second = Math.floor(KIT_START / 1000);
    // One send counted by the admit script, five by the fast path.
    expect(await kit.redis.get(`${dest.sent}:${second}`)).toBe('6');
    expect(await kit.redis.hget(dest.state, 'last_success_at')).toBe(String(KIT_START));
    expect(await kit.redis.hget(dest.state, 'inflight:worker-0')).toMatch(/^1:\d+$/);
    const index = gateIndexKeys(kit.prefix);
    expect(await kit.redis.zscore(index.destinations, ORIGIN)).toBe(String(KIT_START));
    expect(await kit.redis.zscore(index.flowKeys, 'tenant')).toBe(String(KIT_START));

    running.settle(OK);
    await a.gate.flush();
    expect(await kit.redis.hget(dest.state, 'inflight:worker-0')).toBeNull();
  });

  it('sees a hold set by another worker once the changes channel names the origin', async () => {
    passOf((await askedRedis(a, 'first'))!).settle(OK);
    passOf(answeredAtOnce(a, 'cached'));
    const pass = passOf((await askedRedis(b, 'b1'))!);

    const message = nextMessage(a);
    pass.settle(retryAfter429(20));
    expect(await message).toBe(`dest\n${ORIGIN}`);
    const asked = await askedRedis(a, 'after');
    expect(asked).not.toBeNull();
    expect(holdOf(asked!)).toMatchObject({
      reason: 'held_by_destination',
      until: KIT_START + 20_000,
    });
  });

  it('forgets everything on a "*" message, and every entry after a few seconds', async () => {
    passOf((await askedRedis(a, 'first'))!).settle(OK);
    passOf(answeredAtOnce(a, 'cached'));
    const message = nextMessage(a);
    await kit.redis.publish(gateIndexKeys(kit.prefix).changes, '*');
    await message;
    expect(await askedRedis(a, 'after-star')).not.toBeNull();

    passOf(answeredAtOnce(a, 'cached-again'));
    kit.clock.now = KIT_START + 5000;
    expect(await askedRedis(a, 'after-ttl')).not.toBeNull();
  });

  it('reports failures and the success that ends them, even on the fast path', async () => {
    const state = subjectKeys(kit.prefix, 'dest', ORIGIN).state;
    passOf((await askedRedis(a, 'first'))!).settle(OK);
    passOf(answeredAtOnce(a, 'fails')).settle(FAILED_503);
    await a.gate.idle();
    expect(await kit.redis.hget(state, 'failures')).toBe('1');
    // Restricted now: asked in Redis, and its success reported.
    passOf((await askedRedis(a, 'recovers'))!).settle(OK);
    await a.gate.idle();
    expect(await kit.redis.hget(state, 'failures')).toBe('0');
  });

  it('forgets everything when its subscriber loses Redis, and caches again once resubscribed', async () => {
    passOf((await askedRedis(a, 'first'))!).settle(OK);
    passOf(answeredAtOnce(a, 'cached'));
    const closed = new Promise((resolve) => a.subscriber.once('close', resolve));
    await killSubscriber(kit.redis, a);
    await closed;
    expect(await askedRedis(a, 'while-away')).not.toBeNull();
    // No event says "resubscribed" to the outside: wait until an answer is cached again.
    await eventually(async () => {
      const answer = await askedRedis(a, 'back');
      if (answer === null) return true;
      passOf(answer).settle(OK);
      return false;
    }, 'the gate caching again after the reconnect');
  });
});
