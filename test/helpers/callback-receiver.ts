import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { eventually } from './eventually.js';
import { startHttpTestServer, type HttpTestServer } from './http-test-server.js';

/** One request a receiver got: its headers and its body, exactly as sent. */
export interface Delivery {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A callback receiver on loopback that records every request. */
export interface CallbackReceiver extends HttpTestServer {
  readonly deliveries: Delivery[];
  /** Resolves with the deliveries once `n` have arrived. */
  waitForDeliveries(n: number, timeoutMs?: number): Promise<Delivery[]>;
  /** Answers every held request (200). */
  release(): void;
}

/**
 * Starts a receiver. `answer(n)` says what the n-th request (0-based) gets:
 * a status code (the body `{}`), or `'hold'` to leave it open until
 * `release()` or `close()` (a sender that dies while sending).
 */
export async function startCallbackReceiver(
  answer: (n: number) => number | 'hold' = () => 200,
): Promise<CallbackReceiver> {
  const deliveries: Delivery[] = [];
  const held = new Set<ServerResponse>();
  const reply = (res: ServerResponse, status: number) => {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end('{}');
  };
  const server = await startHttpTestServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const n = deliveries.length;
      deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = answer(n);
      if (status === 'hold') held.add(res);
      else reply(res, status);
    });
  });
  return Object.assign(server, {
    deliveries,
    async waitForDeliveries(n: number, timeoutMs = 30_000) {
      await eventually(
        () => deliveries.length >= n,
        () => `${n} callback deliveries (got ${deliveries.length})`,
        { timeoutMs },
      );
      return deliveries.slice();
    },
    release() {
      for (const res of held) reply(res, 200);
      held.clear();
    },
  });
}
