import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gateIndexKeys, subjectKeys } from '../../../shared/destinations/gate-keys.js';
import {
  KIT_LEASE_MS,
  OK,
  ask,
  gateKit,
  holdOf,
  holder,
  passOf,
  type GateKit,
  type TestGate,
} from '../../helpers/gate-kit.js';

const ORIGIN = 'http://127.0.0.1:8080';

/**
 * The gate's limits through two RedisGate instances on separate connections
 * (two workers), with the clock driven by hand.
 */
describe('gate limits across workers', () => {
  let kit: GateKit;
  let a: TestGate;
  let b: TestGate;
  const dest = () => subjectKeys(kit.prefix, 'dest', ORIGIN);

  beforeEach(async () => {
    kit = gateKit();
    [a, b] = [await kit.open(), await kit.open()];
  });
  afterEach(() => kit.close());

  it('admits at most rate_max per window and reserves the next slots in turn', async () => {
    await kit.redis.hset(dest().state, { rate_max: 5, rate_per_ms: 1000 });
    const t = kit.clock.now;
    const answers = [];
    for (let i = 0; i < 20; i += 1) answers.push(await ask(i % 2 ? b : a, ORIGIN, `h${i}`));

    expect(answers.slice(0, 5).every((answer) => answer.admitted)).toBe(true);
    const holds = answers.slice(5).map(holdOf);
    expect(holds[0]).toMatchObject({ until: t + 1000, reason: 'rate_limit' });
    expect(holds.map((hold) => hold.until)).toEqual([
      ...Array<number>(5).fill(t + 1000),
      ...Array<number>(5).fill(t + 2000),
      ...Array<number>(5).fill(t + 3000),
    ]);
    expect(await kit.redis.zscore(dest().sends, `r:${holder('h5')}`)).toBe(String(t + 1000));
    // Never more than 5 sends (made or reserved) in any window of 1000 ms.
    const times = (await kit.redis.zrange(dest().sends, 0, -1, 'WITHSCORES'))
      .filter((_, i) => i % 2 === 1)
      .map(Number);
    for (const end of times) {
      expect(times.filter((time) => time > end - 1000 && time <= end).length).toBeLessThanOrEqual(
        5,
      );
    }

    kit.clock.now = t + 1000;
    passOf(await ask(b, ORIGIN, 'h5'));
    expect(await kit.redis.zscore(dest().sends, `r:${holder('h5')}`)).toBeNull();
    // Its reservation became its send (same time); the sends at t left the window.
    const sends = await kit.redis.zrangebyscore(dest().sends, t + 1000, t + 1000);
    expect(sends.filter((member) => member.startsWith(`${holder('h5')}:`))).toHaveLength(1);
    expect(await kit.redis.zcard(dest().sends)).toBe(15);
    // Coming back early: held again until its slot, no second reservation.
    expect(holdOf(await ask(a, ORIGIN, 'h12')).until).toBe(t + 2000);
    expect(await kit.redis.zcard(dest().sends)).toBe(15);
    // A newcomer queues behind every reservation.
    expect(holdOf(await ask(a, ORIGIN, 'late')).until).toBe(t + 4000);
  });

  it('reserved slots that come due while their workers are stalled go out as the limit allows, not as a burst', async () => {
    await kit.redis.hset(dest().state, { rate_max: 2, rate_per_ms: 1000 });
    const t = kit.clock.now;
    for (const h of ['s1', 's2']) passOf(await ask(a, ORIGIN, h));
    const late = ['l1', 'l2', 'l3', 'l4'];
    for (const h of late) holdOf(await ask(b, ORIGIN, h));
    // Slots at t+1000 (two) and t+2000 (two). The first two come back 900 ms
    // late, just before the next two are due: each pair alone is within the
    // limit, both together in 100 ms would not be.
    kit.clock.now = t + 1900;
    passOf(await ask(a, ORIGIN, 'l1'));
    passOf(await ask(b, ORIGIN, 'l2'));
    kit.clock.now = t + 2000;
    const refused = [holdOf(await ask(a, ORIGIN, 'l3')), holdOf(await ask(b, ORIGIN, 'l4'))];
    // They queue again, behind the late sends as made.
    expect(refused.map((hold) => hold.until)).toEqual([t + 2900, t + 2900]);
    const sent = await kit.redis.zrangebyscore(dest().sends, t + 1900, t + 1900);
    expect(sent.filter((member) => !member.startsWith('r:'))).toHaveLength(2);
    kit.clock.now = t + 2900;
    passOf(await ask(a, ORIGIN, 'l3'));
    passOf(await ask(b, ORIGIN, 'l4'));
  });

  it('admits max_concurrency requests, holds the next in the wake set, and a release wakes it', async () => {
    await kit.redis.hset(dest().state, { max_concurrency: 2 });
    const t = kit.clock.now;
    const first = passOf(await ask(a, ORIGIN, 'c1'));
    passOf(await ask(b, ORIGIN, 'c2'));
    const held = holdOf(await ask(a, ORIGIN, 'c3'));
    expect(held).toMatchObject({ reason: 'concurrency', until: t + KIT_LEASE_MS });
    expect(held.message).toContain(ORIGIN);
    expect(await kit.redis.zscore(dest().wake, holder('c3'))).toBe(String(t + KIT_LEASE_MS));
    expect(await kit.redis.zscore(dest().held, holder('c3'))).toBe(String(t + KIT_LEASE_MS));
    expect(await kit.redis.hget(gateIndexKeys(kit.prefix).heldTotal, 'concurrency')).toBe('1');

    const woken = a.nextWake();
    first.settle(OK);
    expect(await woken).toEqual([holder('c3')]);
    passOf(await ask(b, ORIGIN, 'c3'));
    expect(await kit.redis.zscore(dest().held, holder('c3'))).toBeNull();
    expect(holdOf(await ask(a, ORIGIN, 'c4')).reason).toBe('concurrency');
  });

  it("frees a dead worker's slot once its lease expires", async () => {
    await kit.redis.hset(dest().state, { max_concurrency: 1 });
    const t = kit.clock.now;
    // Admitted, then never settled nor renewed: its worker died.
    passOf(await ask(a, ORIGIN, 'dead'));
    kit.clock.now = t + KIT_LEASE_MS - 1;
    expect(holdOf(await ask(b, ORIGIN, 'next')).reason).toBe('concurrency');
    kit.clock.now = t + KIT_LEASE_MS;
    passOf(await ask(b, ORIGIN, 'next'));
    expect(await kit.redis.zrange(dest().leases, 0, -1)).toEqual([holder('next')]);
  });

  it('renews the leases of requests still running', async () => {
    const renewing = await kit.open({ leaseMs: 40 });
    await kit.redis.hset(dest().state, { max_concurrency: 1 });
    const t = kit.clock.now;
    const pass = passOf(await ask(renewing, ORIGIN, 'long'));
    expect(await kit.redis.zscore(dest().leases, holder('long'))).toBe(String(t + 40));
    kit.clock.now = t + 1000;
    // The renewal runs every half lease (real time): wait for the command it sends.
    await renewedOnce(renewing);
    await renewing.gate.idle();
    expect(await kit.redis.zscore(dest().leases, holder('long'))).toBe(String(t + 1040));
    pass.settle(OK);
    await renewing.gate.idle();
    expect(await kit.redis.zcard(dest().leases)).toBe(0);
  });

  it("keeps a flow key's limits apart from its destinations'", async () => {
    const flow = subjectKeys(kit.prefix, 'flow', 'tenant-a');
    await kit.redis.hset(flow.state, { max_concurrency: 1 });
    const other = 'https://api.example.com:443';
    passOf(await ask(a, ORIGIN, 'f1', 'tenant-a'));
    expect(await kit.redis.zrange(flow.leases, 0, -1)).toEqual([holder('f1')]);
    // The destination has no limit: no lease there.
    expect(await kit.redis.exists(dest().leases)).toBe(0);
    const held = holdOf(await ask(b, other, 'f2', 'tenant-a'));
    expect(held).toMatchObject({ reason: 'flow_key_concurrency' });
    expect(held.message).toContain('tenant-a');
    expect(await kit.redis.zscore(flow.wake, holder('f2'))).not.toBeNull();
    passOf(await ask(b, ORIGIN, 'f3'));
    passOf(await ask(b, ORIGIN, 'f4', 'tenant-b'));

    await kit.redis.hset(flow.state, { max_concurrency: 5, rate_max: 2, rate_per_ms: 1000 });
    await kit.redis.hset(dest().state, { rate_max: 100, rate_per_ms: 1000 });
    passOf(await ask(a, other, 'f5', 'tenant-a'));
    passOf(await ask(a, other, 'f6', 'tenant-a'));
    const rated = holdOf(await ask(a, ORIGIN, 'f7', 'tenant-a'));
    expect(rated).toMatchObject({ reason: 'flow_key_rate_limit', until: kit.clock.now + 1000 });
    // Held by the flow key: nothing taken of the destination.
    expect(await kit.redis.zcard(dest().sends)).toBe(0);
    await kit.redis.hset(flow.state, { paused: '1' });
    expect(holdOf(await ask(a, ORIGIN, 'f8', 'tenant-a')).reason).toBe('flow_key_paused');
  });
});

/** Resolves once `gate` sent a renew call (its script runs by EVALSHA). */
async function renewedOnce(gate: TestGate): Promise<void> {
  const before = gate.commands.length;
  for (;;) {
    const sent = gate.commands.slice(before);
    if (sent.some((name) => name === 'evalsha' || name === 'eval')) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
