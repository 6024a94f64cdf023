import { createHmac, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createApiServer, type ApiServer } from '../../api/create-api-server.js';
import type { Config } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { subjectIndexKeys, subjectKeys } from '../../shared/destinations/gate-keys.js';
import type { Arrival } from './scripted-target.js';
import { testConfig } from './test-config.js';

/** The path alerts are POSTed to on the test's receiver. */
export const ALERT_PATH = '/alerts';

/** A fresh `whsec_` secret and its bytes. */
export function alertSecret(): { text: string; bytes: Buffer } {
  const bytes = randomBytes(32);
  return { text: `whsec_${bytes.toString('base64')}`, bytes };
}

/** A configuration with alerts to `receiverUrl`, checked every 100 ms, signed with `secret`. */
export function alertConfig(
  receiverUrl: string,
  secret: string,
  env: Record<string, string> = {},
): Config {
  return testConfig({
    TASKREST_ALERT_URL: `${receiverUrl}${ALERT_PATH}`,
    TASKREST_CALLBACK_SECRETS: secret,
    TASKREST_ALERT_CHECK_SECONDS: '0.1',
    ...env,
  });
}

/** An API server of `config` listening on 127.0.0.1 (no worker), and its URL. */
export async function startAlertApi(config: Config): Promise<{ api: ApiServer; url: string }> {
  const api = await createApiServer(config, createLogger(config));
  const url = await api.listen({ host: '127.0.0.1', port: 0 });
  return { api, url };
}

/**
 * Checks an arrival's Standard Webhooks signature as a receiver does (the
 * HMAC-SHA256 of `id.timestamp.body`, base64, after `v1,`) and returns its
 * parsed body; throws when the signature does not match.
 */
export function verifiedEvent(arrival: Arrival, secret: Buffer): AlertBody {
  const id = String(arrival.headers['webhook-id']);
  const timestamp = String(arrival.headers['webhook-timestamp']);
  const expected = createHmac('sha256', secret)
    .update(`${id}.${timestamp}.${arrival.body}`)
    .digest('base64');
  const signatures = String(arrival.headers['webhook-signature']).split(' ');
  if (!signatures.includes(`v1,${expected}`)) throw new Error(`bad signature on ${id}`);
  if (Math.abs(Number(timestamp) - Date.now() / 1000) > 300) throw new Error('stale timestamp');
  return JSON.parse(arrival.body) as AlertBody;
}

/** An alert POST's body, as the tests look into it. */
export interface AlertBody {
  type: 'alert.started' | 'alert.ended';
  alert: {
    id: string;
    kind: string;
    subject: string;
    started_at: string;
    ended_at?: string;
    details: Record<string, unknown>;
  };
}

/** Opens a destination's circuit as the gate does: its state hash and the index of those seen. */
export async function openCircuit(redis: Redis, prefix: string, origin: string): Promise<void> {
  const now = Date.now();
  await redis.hset(subjectKeys(prefix, 'dest', origin).state, {
    circuit: 'open',
    open_until: now + 60_000,
    failures: 5,
  });
  await redis.zadd(subjectIndexKeys(prefix, 'dest').seen, now, origin);
}

/** Closes a destination's circuit as an operator's reset does. */
export async function closeCircuit(redis: Redis, prefix: string, origin: string): Promise<void> {
  await redis.hdel(subjectKeys(prefix, 'dest', origin).state, 'circuit', 'open_until');
}

/** Whether an arrival is an event of `type` about `subject`. */
export const eventOf =
  (type: AlertBody['type'], subject: string) =>
  (arrival: Arrival): boolean => {
    const body = JSON.parse(arrival.body) as AlertBody;
    return body.type === type && body.alert.subject === subject;
  };
