import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { subjectKeys } from '../../../shared/destinations/gate-keys.js';
import {
  BARE_429,
  FAILED_503,
  KIT_LEASE_MS,
  KIT_START,
  OK,
  ask,
  gateKit,
  holdOf,
  holder,
  passOf,
  retryAfter429,
  type GateKit,
  type TestGate,
} from '../../helpers/gate-kit.js';

const ORIGIN = 'http://127.0.0.1:8080';
const COOLDOWN_MS = 10_000;

/** What the destination does to the gate: failures, holds, bare 429s; two workers, a hand-driven clock. */
describe('gate circuit, holds and learned rate', () => {
  let kit: GateKit;
  let a: TestGate;
  let b: TestGate;
  const state = () => subjectKeys(kit.prefix, 'dest', ORIGIN).state;

  beforeEach(async () => {
    kit = gateKit();
    [a, b] = [await kit.open(), await kit.open()];
  });
  afterEach(() => kit.close());

  /** Three failed requests through `a`, settled in Redis. */
  async function failThrice(): Promise<void> {
    for (const id of ['x1', 'x2', 'x3']) passOf(await ask(a, ORIGIN, id)).settle(FAILED_503);
    await a.gate.idle();
  }

  it('opens after circuitFailures failures, probes after the cool-down, closes on success', async () => {
    const t = kit.clock.now;
    await failThrice();
    expect(
      await kit.redis.hmget(state(), 'circuit', 'open_until', 'failures', 'last_error'),
    ).toEqual(['open', String(t + COOLDOWN_MS), '3', 'HTTP 503 Service Unavailable']);
    const open = holdOf(await ask(b, ORIGIN, 'o1'));
    expect(open).toMatchObject({ reason: 'circuit_open', until: t + COOLDOWN_MS });
    expect(open.message).toContain('HTTP 503 Service Unavailable');

    kit.clock.now = t + COOLDOWN_MS;
    const probe = passOf(await ask(b, ORIGIN, 'probe'));
    expect(await kit.redis.hmget(state(), 'circuit', 'probe')).toEqual([
      'half_open',
      holder('probe'),
    ]);
    const waiting = holdOf(await ask(a, ORIGIN, 'w1'));
    expect(waiting).toMatchObject({
      reason: 'circuit_half_open',
      until: t + COOLDOWN_MS + KIT_LEASE_MS,
    });
    expect(holdOf(await ask(b, ORIGIN, 'w2')).reason).toBe('circuit_half_open');

    const woken = b.nextWake();
    probe.settle(OK);
    // Those held while it was open wake too, not only those held by the probe.
    expect((await woken).sort()).toEqual([holder('o1'), holder('w1'), holder('w2')]);
    expect(await kit.redis.hmget(state(), 'circuit', 'probe', 'open_until', 'failures')).toEqual([
      null,
      null,
      null,
      '0',
    ]);
    passOf(await ask(a, ORIGIN, 'w1'));
  });

  it('reopens with the cool-down doubled when the probe fails', async () => {
    const t = kit.clock.now;
    await failThrice();
    kit.clock.now = t + COOLDOWN_MS;
    passOf(await ask(b, ORIGIN, 'probe')).settle(FAILED_503);
    await b.gate.idle();
    const reopened = t + 3 * COOLDOWN_MS;
    expect(await kit.redis.hmget(state(), 'circuit', 'open_until', 'cooldown_ms')).toEqual([
      'open',
      String(reopened),
      String(2 * COOLDOWN_MS),
    ]);
    expect(holdOf(await ask(a, ORIGIN, 'after'))).toMatchObject({
      reason: 'circuit_open',
      until: reopened,
    });
  });

  it('gives the probe to another request once its lease ran out', async () => {
    const t = kit.clock.now;
    await failThrice();
    kit.clock.now = t + COOLDOWN_MS;
    passOf(await ask(b, ORIGIN, 'lost-probe'));
    kit.clock.now = t + COOLDOWN_MS + KIT_LEASE_MS;
    const probe = passOf(await ask(a, ORIGIN, 'new-probe'));
    expect(await kit.redis.hmget(state(), 'probe', 'probe_until')).toEqual([
      holder('new-probe'),
      String(kit.clock.now + KIT_LEASE_MS),
    ]);
    probe.settle(OK);
    await a.gate.idle();
    expect(await kit.redis.hget(state(), 'circuit')).toBeNull();
  });

  it("holds every worker's requests until a Retry-After runs out", async () => {
    const t = kit.clock.now;
    passOf(await ask(a, ORIGIN, 'r1')).settle(retryAfter429(30));
    await a.gate.idle();
    const held = holdOf(await ask(b, ORIGIN, 'r2'));
    expect(held).toMatchObject({ reason: 'held_by_destination', until: t + 30_000 });
    expect(held.message).toContain('Retry-After after HTTP 429');
    kit.clock.now = t + 30_000;
    passOf(await ask(b, ORIGIN, 'r2'));
  });

  it('halves the rate it sent at after a bare 429, grows it back, and never past the operator rate', async () => {
    await kit.redis.hset(state(), { rate_max: 12, rate_per_ms: 1000 });
    // 12 a second for three whole seconds, half a second into each.
    const last = [];
    for (let second = 0; second < 3; second += 1) {
      kit.clock.now = KIT_START + second * 1000 + 500;
      for (let i = 0; i < 12; i += 1) last.push(passOf(await ask(a, ORIGIN, `s${second}-${i}`)));
    }
    const t = KIT_START + 3000;
    kit.clock.now = t;
    last.pop()?.settle(BARE_429);
    await a.gate.idle();
    // Halved from the 12 a second it sent.
    expect(await learned()).toEqual({ rate: 6, at: t, step: 1.2 });

    // One halving a second.
    kit.clock.now = t + 200;
    last.pop()?.settle(BARE_429);
    await a.gate.idle();
    expect(await learned()).toEqual({ rate: 6, at: t, step: 1.2 });

    // A success with little sent lately says nothing of more: no growth.
    kit.clock.now = t + 2600;
    passOf(await ask(b, ORIGIN, 'alone')).settle(OK);
    await b.gate.idle();
    expect((await learned())?.rate).toBe(6);

    // A backlog sent as the gate admits it, every request a success: the
    // rate grows half the way to 10.8 (12 less a step) every half second,
    // then half a step every two seconds, past the 12 it was cut from, up to
    // the operator's 12, where it is dropped.
    const grown = await sendUntilDropped();
    expect(grown.map((g) => g.rate)).toEqual([6, 8.4, 9.6, 10.2, 10.5, 10.8, 11.4, null]);
    const gaps = grown.slice(1).map((g, i) => g.at - grown[i]!.at);
    expect(gaps.slice(1, 4).every((gap) => gap >= 500 && gap < 700)).toBe(true);
    expect(gaps.slice(4).every((gap) => gap >= 2000 && gap < 2200)).toBe(true);
    // Sent evenly spaced at the learned rate: one every 119 ms at 8.4 a second.
    expect(grown[1]!.spacing).toBe(119);
  });

  it('grows a learned rate only half a second after the last 429, halving or not', async () => {
    const t = KIT_START + 500;
    kit.clock.now = t;
    const sent = [];
    for (let i = 0; i < 12; i += 1) sent.push(passOf(await ask(a, ORIGIN, `q${i}`)));
    sent.pop()?.settle(BARE_429);
    kit.clock.now = t + 400;
    sent.pop()?.settle(BARE_429);
    await a.gate.idle();
    const cut = (await learned())!.rate;
    // Successes at the rate from then on: the first growth comes half a
    // second after the second 429.
    const grown = await sendUntilDropped(t + 1200);
    expect(grown[0]!.rate).toBe(cut);
    expect(grown[1]!.rate).toBeGreaterThan(cut);
    expect(grown[1]!.at).toBeGreaterThanOrEqual(t + 900);
    expect(grown[1]!.at).toBeLessThan(t + 1000);
  });

  /**
   * Requests through `b`, one at a time as the gate admits them, each a
   * success, until the learned rate is dropped (or `end`). The learned rates
   * seen in turn, with when each began and the spacing the gate held to.
   */
  async function sendUntilDropped(
    end = Infinity,
  ): Promise<{ rate: number | null; at: number; spacing?: number }[]> {
    const seen: { rate: number | null; at: number; spacing?: number }[] = [];
    let lastSend = kit.clock.now;
    for (let i = 0; kit.clock.now < end; i += 1) {
      let answer = await ask(b, ORIGIN, `w${i}`);
      let spacing: number | undefined;
      while (!answer.admitted) {
        spacing = answer.until - lastSend;
        kit.clock.now = answer.until;
        answer = await ask(b, ORIGIN, `w${i}`);
      }
      lastSend = kit.clock.now;
      answer.settle(OK);
      await b.gate.idle();
      const rate = (await learned())?.rate ?? null;
      const previous = seen.at(-1);
      if (previous && previous.spacing === undefined && previous.rate === rate)
        previous.spacing = spacing;
      if (previous?.rate !== rate) seen.push({ rate, at: kit.clock.now });
      if (rate === null) break;
    }
    return seen;
  }

  it('drops a learned rate after 30 s without a 429', async () => {
    kit.clock.now = KIT_START + 500;
    const sent = [];
    for (let i = 0; i < 40; i += 1) sent.push(passOf(await ask(a, ORIGIN, `q${i}`)));
    sent.pop()?.settle(BARE_429);
    await a.gate.idle();
    // 40 in half a second: 80 a second, halved.
    expect((await learned())?.rate).toBe(40);
    kit.clock.now = KIT_START + 29_000;
    passOf(await ask(b, ORIGIN, 'still')).settle(OK);
    await b.gate.idle();
    expect(await learned()).not.toBeNull();
    kit.clock.now = KIT_START + 31_000;
    passOf(await ask(b, ORIGIN, 'quiet')).settle(OK);
    await b.gate.idle();
    expect(await learned()).toBeNull();
  });

  async function learned(): Promise<{ rate: number; at: number; step: number } | null> {
    const [rate, at, step] = await kit.redis.hmget(
      state(),
      'learned_rate',
      'learned_at',
      'learned_step',
    );
    if (rate === null) return null;
    const round = (n: number) => Math.round(n * 100) / 100;
    return { rate: round(Number(rate)), at: Number(at), step: round(Number(step)) };
  }
});
