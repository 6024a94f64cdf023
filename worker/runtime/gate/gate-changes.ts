import type { RedisClient } from '../../../shared/redis-connection.js';

/** What a GateChanges tells its owner. */
export interface GateChangeEvents {
  /** `subject` (`dest\n<origin>`, `flow\n<key>`) changed. */
  changed(subject: string): void;
  /** Anything may have changed (`*`, or messages may have been missed). */
  changedAll(): void;
  /** Whether changes are heard now: subscribed, and not since disconnected. */
  listening(on: boolean): void;
  /** The subscriber failed (it reconnects by itself). */
  error(error: Error): void;
}

/**
 * The gate's ear on the changes channel, on a connection of its own (a
 * subscribed connection can do nothing else). While it cannot hear (before
 * the subscription, between a disconnect and the resubscription) its owner
 * must not trust what it cached: `listening(false)` says so.
 */
export class GateChanges {
  readonly #subscriber: RedisClient;
  readonly #channel: string;
  readonly #events: GateChangeEvents;
  #subscribed = false;
  #closed = false;

  constructor(subscriber: RedisClient, channel: string, events: GateChangeEvents) {
    this.#subscriber = subscriber;
    this.#channel = channel;
    this.#events = events;
    subscriber.on('message', this.#onMessage);
    subscriber.on('error', this.#onError);
    subscriber.on('close', this.#onClose);
    subscriber.on('ready', this.#onReady);
    this.#subscribe();
  }

  /** Unsubscribes and disconnects the subscriber (the gate owns it). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#events.listening(false);
    this.#subscriber.off('close', this.#onClose);
    this.#subscriber.off('ready', this.#onReady);
    this.#subscriber.off('message', this.#onMessage);
    try {
      await this.#subscriber.unsubscribe(this.#channel);
      await this.#subscriber.quit();
    } catch {
      // Closing a connection that is down: dropping it is all there is left to do.
      this.#subscriber.disconnect();
    }
    this.#subscriber.off('error', this.#onError);
  }

  #subscribe(): void {
    this.#subscriber.subscribe(this.#channel).then(
      () => {
        this.#subscribed = true;
        if (!this.#closed) this.#events.listening(true);
      },
      (error: Error) => this.#events.error(error),
    );
  }

  readonly #onMessage = (channel: string, message: string): void => {
    if (channel !== this.#channel) return;
    if (message === '*') this.#events.changedAll();
    else this.#events.changed(message);
  };

  readonly #onError = (error: Error): void => this.#events.error(error);

  readonly #onClose = (): void => this.#events.listening(false);

  /** A reconnect: listen again once resubscribed (messages meanwhile are lost: listening(false) dropped all). */
  readonly #onReady = (): void => {
    if (this.#subscribed && !this.#closed) this.#subscribe();
  };
}
