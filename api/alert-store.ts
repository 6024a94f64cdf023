import { randomUUID } from 'node:crypto';
import { keyTag } from '../shared/queue-keys.js';
import type { RedisClient } from '../shared/redis-connection.js';
import { conditionKey, type Alert, type AlertCondition, type AlertEvent } from './alert-types.js';

/** One alert POST not yet acknowledged by a 2xx. */
export interface PendingDelivery {
  /** The `webhook-id`: the alert's id and the event, the same on every redelivery. */
  readonly id: string;
  readonly event: AlertEvent;
  /** When it was made: deliveries go out in this order. */
  readonly createdAt: number;
  readonly attempts: number;
  /** Not tried again before this (epoch ms). */
  readonly nextAt: number;
}

/**
 * Renews the lease while ARGV[1] holds it, takes it while it is free: 1
 * when ARGV[1] holds it afterwards. One script, so that a lease that
 * expires between a read and a renewal cannot end up held by two.
 */
const LEASE_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;

/**
 * Where alerts live in Redis, so that every API replica shows the same and
 * a restart neither forgets nor resends one: the open alerts (one hash,
 * field per kind and subject), the outbox of POSTs not yet acknowledged
 * (one hash, field per `webhook-id`) and the evaluator's lease. All three
 * share one hash tag: a transition writes both hashes in one MULTI.
 */
export class AlertStore {
  readonly #redis: RedisClient;
  readonly #open: string;
  readonly #outbox: string;
  readonly #lease: string;

  constructor(redis: RedisClient, prefix: string) {
    const tag = keyTag(prefix, 'alerts');
    this.#redis = redis;
    this.#open = `${tag}:alerts:open`;
    this.#outbox = `${tag}:alerts:outbox`;
    this.#lease = `${tag}:alerts:lease`;
  }

  /** Takes or renews the evaluator's lease for `owner`: true while `owner` holds it. */
  async holdLease(owner: string, holdMs: number): Promise<boolean> {
    return (await this.#redis.eval(LEASE_SCRIPT, 1, this.#lease, owner, holdMs)) === 1;
  }

  /** Gives the lease up if `owner` still holds it, so another replica takes over at once. */
  async releaseLease(owner: string): Promise<void> {
    await this.#redis
      .eval(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
        1,
        this.#lease,
        owner,
      )
      .catch(() => undefined);
  }

  /** The open alerts by condition key. */
  async openAlerts(): Promise<Map<string, Alert>> {
    const fields = await this.#redis.hgetall(this.#open);
    return new Map(Object.entries(fields).map(([key, json]) => [key, JSON.parse(json) as Alert]));
  }

  /** Opens an alert for the condition and queues its `alert.started`, at once. */
  async start(condition: AlertCondition, now: number): Promise<void> {
    const alert: Alert = {
      id: `alert_${randomUUID()}`,
      kind: condition.kind,
      subject: condition.subject,
      started_at: new Date(now).toISOString(),
      details: condition.details,
    };
    const delivery = this.#delivery({ type: 'alert.started', alert }, now);
    await this.#redis
      .multi()
      .hset(this.#open, conditionKey(condition), JSON.stringify(alert))
      .hset(this.#outbox, delivery.id, JSON.stringify(delivery))
      .exec();
  }

  /** Closes an open alert and queues its `alert.ended`, at once. */
  async end(key: string, alert: Alert, now: number): Promise<void> {
    const ended: Alert = { ...alert, ended_at: new Date(now).toISOString() };
    const delivery = this.#delivery({ type: 'alert.ended', alert: ended }, now);
    await this.#redis
      .multi()
      .hdel(this.#open, key)
      .hset(this.#outbox, delivery.id, JSON.stringify(delivery))
      .exec();
  }

  /** The POSTs not yet acknowledged, oldest first. */
  async pending(): Promise<PendingDelivery[]> {
    const fields = await this.#redis.hgetall(this.#outbox);
    return Object.values(fields)
      .map((json) => JSON.parse(json) as PendingDelivery)
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  /** A POST the receiver acknowledged: never sent again. */
  async delivered(id: string): Promise<void> {
    await this.#redis.hdel(this.#outbox, id);
  }

  /** A POST that failed: tried again at `nextAt`. */
  async retryLater(delivery: PendingDelivery, nextAt: number): Promise<void> {
    const next: PendingDelivery = { ...delivery, attempts: delivery.attempts + 1, nextAt };
    await this.#redis.hset(this.#outbox, delivery.id, JSON.stringify(next));
  }

  #delivery(event: AlertEvent, now: number): PendingDelivery {
    const id = `${event.alert.id}.${event.type === 'alert.started' ? 'started' : 'ended'}`;
    return { id, event, createdAt: now, attempts: 0, nextAt: now };
  }
}
