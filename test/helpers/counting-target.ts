import type { ServerResponse } from 'node:http';
import { startHttpTestServer, type HttpTestServer } from './http-test-server.js';

/**
 * A target for the fault tests that counts requests per task id, so a test
 * can prove "each job ran exactly once" (or at least once) by counting.
 *
 * - `/hit/ID`: answers 200 at once.
 * - `/slow/ID?ms=N`: answers 200 after N ms.
 * - `/hold/ID`: the first request for ID is held open until the test calls
 *   `release()` or closes the server; later ones answer 200 at once (a
 *   worker that dies mid-request, and the one that recovers the job).
 * - `/hold-always/ID`: every request is held (a job that keeps killing workers).
 */
export interface CountingTarget extends HttpTestServer {
  /** Requests seen per id. */
  readonly counts: Map<string, number>;
  /** Total requests seen. */
  total(): number;
  /** Resolves once `n` requests in all have arrived. */
  waitForRequests(n: number, timeoutMs?: number): Promise<void>;
  /** Answers every held request (200). */
  release(): void;
}

export async function startCountingTarget(): Promise<CountingTarget> {
  const counts = new Map<string, number>();
  const held = new Set<ServerResponse>();
  const waiters = new Set<() => void>();
  let total = 0;
  const ok = (res: ServerResponse, id: string) => {
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id }));
  };
  const server = await startHttpTestServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://target');
    const [, route = '', id = ''] = url.pathname.split('/');
    const seen = (counts.get(id) ?? 0) + 1;
    counts.set(id, seen);
    total += 1;
    for (const waiter of waiters) waiter();
    req.resume();
    if (route === 'hit') return ok(res, id);
    if (route === 'slow') {
      const timer = setTimeout(() => ok(res, id), Number(url.searchParams.get('ms') ?? 100));
      return void res.on('close', () => clearTimeout(timer));
    }
    if ((route === 'hold' && seen === 1) || route === 'hold-always') {
      held.add(res);
      return void res.on('close', () => held.delete(res));
    }
    if (route === 'hold') return ok(res, id);
    res.writeHead(404).end();
  });
  return Object.assign(server, {
    counts,
    total: () => total,
    waitForRequests(n: number, timeoutMs = 15_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (total < n) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`target saw ${total} of ${n} requests`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    release() {
      for (const res of held) ok(res, 'released');
      held.clear();
    },
  });
}
