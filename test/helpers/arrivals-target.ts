import type { IncomingHttpHeaders } from 'node:http';
import { startHttpTestServer, type HttpTestServer } from './http-test-server.js';

/** One request that reached an {@link ArrivalsTarget}. */
export interface Arrival {
  /** Its path, e.g. `/tick/every-second`. */
  path: string;
  /** When it arrived (ms since the epoch). */
  at: number;
  headers: IncomingHttpHeaders;
}

/** A target that records when each request arrived, for counting scheduled runs. */
export interface ArrivalsTarget extends HttpTestServer {
  readonly arrivals: Arrival[];
  /** The arrivals whose path is `path`. */
  at(path: string): Arrival[];
  /** Resolves once `n` requests for `path` have arrived. */
  waitFor(path: string, n: number, timeoutMs?: number): Promise<void>;
}

/** Answers every request 200 `{"arrival": N}` (N counts from 1) and records it. */
export async function startArrivalsTarget(): Promise<ArrivalsTarget> {
  const arrivals: Arrival[] = [];
  const waiters = new Set<() => void>();
  const server = await startHttpTestServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://target').pathname;
    arrivals.push({ path, at: Date.now(), headers: req.headers });
    for (const waiter of waiters) waiter();
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ arrival: arrivals.length }));
  });
  const at = (path: string) => arrivals.filter((a) => a.path === path);
  return Object.assign(server, {
    arrivals,
    at,
    waitFor(path: string, n: number, timeoutMs = 20_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (at(path).length < n) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`target saw ${at(path).length} of ${n} requests for ${path}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  });
}
