import http from 'node:http';
import https from 'node:https';
import type { CallbackTimeouts } from '../shared/config.js';
import type { OutboundPolicy } from '../shared/outbound/outbound-policy.js';
import { createPolicyLookup } from '../shared/outbound/policy-lookup.js';
import { webhookHeaders } from '../shared/webhook-signature.js';

/** What an alert POST is sent with. */
export interface AlertSenderOptions {
  /** TASKREST_ALERT_URL. */
  readonly url: string;
  /** TASKREST_CALLBACK_SECRETS: alerts are signed as callbacks are. */
  readonly secrets: readonly Buffer[];
  /** TASKREST_CALLBACK_*TIMEOUT_SECONDS: an alert is a callback of the API process. */
  readonly timeouts: CallbackTimeouts;
  /** TASKREST_OUTBOUND_*: the receiver is a destination like any other. */
  readonly policy: OutboundPolicy;
}

/**
 * Sends alert POSTs: JSON, signed with the Standard Webhooks headers at the
 * moment each request goes (a redelivery carries a fresh timestamp and the
 * same `webhook-id`), the receiver's address checked against the outbound
 * policy when it is resolved (no earlier check a DNS change could fool).
 */
export class AlertSender {
  readonly #url: URL;
  readonly #options: AlertSenderOptions;
  readonly #lookup: ReturnType<typeof createPolicyLookup>;

  constructor(options: AlertSenderOptions) {
    this.#url = new URL(options.url);
    this.#options = options;
    this.#lookup = createPolicyLookup(options.policy);
  }

  /** The longest one POST may take, its timeouts together (a minute when none is set). */
  get longestAttemptMs(): number {
    const { connect, read, total } = this.#options.timeouts;
    if (total > 0) return total * 1000;
    return connect > 0 && read > 0 ? (connect + read) * 1000 : 60_000;
  }

  /** Checks the receiver's host against the outbound policy (throws a DestinationDeniedError). */
  checkUrl(): void {
    this.#options.policy.checkUrl(this.#url);
  }

  /** POSTs `body` once under `webhookId`: resolves with the status, rejects on a network error. */
  async send(webhookId: string, body: string): Promise<number> {
    this.checkUrl();
    const { connect, read, total } = this.#options.timeouts;
    const headers = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      ...webhookHeaders(this.#options.secrets, webhookId, Math.floor(Date.now() / 1000), body),
    };
    const client = this.#url.protocol === 'https:' ? https : http;
    return new Promise<number>((resolve, reject) => {
      const request = client.request(this.#url, {
        method: 'POST',
        headers,
        lookup: this.#lookup,
        ...(read > 0 ? { timeout: read * 1000 } : {}),
        ...(total > 0 ? { signal: AbortSignal.timeout(total * 1000) } : {}),
      });
      const connectTimer =
        connect > 0
          ? setTimeout(() => request.destroy(new Error('connect timeout')), connect * 1000)
          : undefined;
      request.on('socket', (socket) => {
        // A kept-alive socket is connected already: the connect timeout is over.
        if (!socket.connecting) return clearTimeout(connectTimer);
        const connected = this.#url.protocol === 'https:' ? 'secureConnect' : 'connect';
        socket.once(connected, () => clearTimeout(connectTimer));
      });
      request.on('timeout', () => request.destroy(new Error('read timeout')));
      request.on('error', (error) => {
        clearTimeout(connectTimer);
        reject(error);
      });
      request.on('response', (response) => {
        clearTimeout(connectTimer);
        // The status is the acknowledgement: the body is drained, never kept.
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      });
      request.end(body);
    });
  }
}
