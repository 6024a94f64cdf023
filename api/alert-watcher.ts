import { randomUUID } from 'node:crypto';
import type { AlertSettings, Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import type { RedisClient } from '../shared/redis-connection.js';
import { findConditions } from './alert-conditions.js';
import type { AlertSender } from './alert-sender.js';
import type { AlertStore, PendingDelivery } from './alert-store.js';
import { conditionKey } from './alert-types.js';

/** The longest wait between two tries of one alert POST. */
const MAX_RETRY_MS = 5 * 60_000;

/** The first wait after a failed POST; it doubles with each failure. */
const FIRST_RETRY_MS = 1000;

/**
 * Watches the alert conditions from the API process. Every check interval
 * one replica (the holder of the lease in Redis) evaluates them, opens an
 * alert for a condition that started and closes the one whose condition
 * ended, each with its POST queued in the same write, then sends what the
 * outbox holds until each POST gets a 2xx: at least once, the same
 * `webhook-id` on every try.
 */
export class AlertWatcher {
  readonly #redis: RedisClient;
  readonly #config: Pick<Config, 'prefix' | 'queueName'>;
  readonly #settings: AlertSettings;
  readonly #store: AlertStore;
  readonly #sender: AlertSender;
  readonly #logger: Logger;
  readonly #owner = `api-${randomUUID()}`;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #started = false;

  constructor(
    redis: RedisClient,
    config: Pick<Config, 'prefix' | 'queueName' | 'alerts'>,
    store: AlertStore,
    sender: AlertSender,
    logger: Logger,
  ) {
    this.#redis = redis;
    this.#config = config;
    this.#settings = config.alerts;
    this.#store = store;
    this.#sender = sender;
    this.#logger = logger;
  }

  /** Evaluates now and then every TASKREST_ALERT_CHECK_SECONDS, until `close()`; once. */
  start(): void {
    // A server listening on several addresses reports each: one watcher still.
    if (this.#started) return;
    this.#started = true;
    const tick = () => {
      this.#running = this.#check()
        .catch((error: unknown) =>
          this.#logger.warn('alert check failed', { error: String(error) }),
        )
        .finally(() => {
          this.#running = undefined;
          if (this.#timer) this.#timer = setTimeout(tick, this.#settings.checkMs);
        });
    };
    this.#timer = setTimeout(tick, 0);
  }

  /** Stops checking, waits for a check under way, and gives the lease up. */
  async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
    await this.#store.releaseLease(this.#owner);
  }

  async #check(): Promise<void> {
    if (!(await this.#holdLease())) return;
    const now = Date.now();
    const conditions = await findConditions(this.#redis, this.#config, this.#settings, now);
    const open = await this.#store.openAlerts();
    const holding = new Set<string>();
    for (const condition of conditions) {
      const key = conditionKey(condition);
      holding.add(key);
      if (!open.has(key)) await this.#store.start(condition, now);
    }
    for (const [key, alert] of open) {
      if (!holding.has(key)) await this.#store.end(key, alert, now);
    }
    await this.#deliver();
  }

  /**
   * Takes or renews the lease for a few intervals and one POST: a replica
   * that dies is replaced within them, and one waiting on a slow receiver
   * keeps it rather than evaluate beside another.
   */
  async #holdLease(): Promise<boolean> {
    const leaseMs = Math.max(3 * this.#settings.checkMs, 2000) + this.#sender.longestAttemptMs;
    return this.#store.holdLease(this.#owner, leaseMs);
  }

  /** Sends the outbox in order; an alert whose earlier POST is not through waits for it. */
  async #deliver(): Promise<void> {
    const blocked = new Set<string>();
    for (const delivery of await this.#store.pending()) {
      const alertId = delivery.event.alert.id;
      if (blocked.has(alertId) || delivery.nextAt > Date.now()) {
        blocked.add(alertId);
        continue;
      }
      // Renewed before each POST: only the holder sends, a lease lost mid-outbox stops here.
      if (!(await this.#holdLease())) return;
      if (await this.#send(delivery)) await this.#store.delivered(delivery.id);
      else {
        blocked.add(alertId);
        const wait = Math.min(FIRST_RETRY_MS * 2 ** delivery.attempts, MAX_RETRY_MS);
        await this.#store.retryLater(delivery, Date.now() + wait);
      }
    }
  }

  async #send(delivery: PendingDelivery): Promise<boolean> {
    const where = { webhook_id: delivery.id, attempt: delivery.attempts + 1 };
    try {
      const status = await this.#sender.send(delivery.id, JSON.stringify(delivery.event));
      if (status >= 200 && status < 300) return true;
      this.#logger.warn('alert receiver did not acknowledge; retrying', { ...where, status });
    } catch (error) {
      this.#logger.warn('alert POST failed; retrying', { ...where, error: String(error) });
    }
    return false;
  }
}
