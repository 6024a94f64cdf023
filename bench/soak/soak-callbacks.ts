/**
 * The soak's callback receiver: verifies each callback's Standard Webhooks
 * signature with the workers' secret and counts them by execution.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Whether `signature` (space-separated `v1,…`) carries the HMAC of `id.timestamp.body` under `secret`. */
export function signatureValid(
  secret: string,
  id: string,
  timestamp: string,
  body: string,
  signature: string,
): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  const expected = Buffer.from(`v1,${mac}`);
  return signature
    .split(' ')
    .some((s) => s.length === expected.length && timingSafeEqual(Buffer.from(s), expected));
}

/** A running receiver. */
export interface CallbackReceiver {
  readonly url: string;
  /** Callbacks received per delivery execution id (`callback!<id>`). */
  readonly received: Map<string, number>;
  badSignatures(): number;
  total(): number;
  close(): Promise<void>;
}

/** Starts the receiver on a free loopback port. */
export async function startCallbackReceiver(secret: string): Promise<CallbackReceiver> {
  const received = new Map<string, number>();
  let bad = 0;
  let total = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const id = String(req.headers['webhook-id'] ?? '');
      const ok = signatureValid(
        secret,
        id,
        String(req.headers['webhook-timestamp'] ?? ''),
        body,
        String(req.headers['webhook-signature'] ?? ''),
      );
      total++;
      if (!ok) bad++;
      // webhook-id is `<queue>/callback!<id>`: the delivery execution's id after the queue.
      const delivery = id.slice(id.indexOf('/') + 1);
      received.set(delivery, (received.get(delivery) ?? 0) + 1);
      res.writeHead(ok ? 204 : 401);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`,
    received,
    badSignatures: () => bad,
    total: () => total,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
