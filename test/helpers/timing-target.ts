import { startHttpTestServer, type HttpTestServer } from './http-test-server.js';

/** One request as the timing target saw it arrive. */
export interface Arrival {
  /** The path without the query (`/rate/7`). */
  readonly path: string;
  /** performance.now() at arrival. */
  readonly at: number;
  /** Requests in flight at the target, this one included. */
  readonly inFlight: number;
}

/** A target that records when each request arrives and how many are in flight. */
export interface TimingTarget extends HttpTestServer {
  readonly arrivals: Arrival[];
  /** The most requests in flight at once so far. */
  maxInFlight(): number;
  /** Arrivals whose path starts with `prefix`. */
  arrivalsOf(prefix: string): Arrival[];
  /** Resolves once `n` requests under `prefix` arrived (rejects after `timeoutMs`). */
  waitForArrivals(prefix: string, n: number, timeoutMs?: number): Promise<Arrival[]>;
}

/** Answers 200 after `?ms=N` milliseconds (at once without), recording every arrival. */
export async function startTimingTarget(): Promise<TimingTarget> {
  const arrivals: Arrival[] = [];
  const waiters = new Set<() => void>();
  let inFlight = 0;
  let maxInFlight = 0;
  const server = await startHttpTestServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://target');
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    arrivals.push({ path: url.pathname, at: performance.now(), inFlight });
    for (const waiter of waiters) waiter();
    req.resume();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inFlight -= 1;
    };
    res.on('close', finish);
    const answer = () => {
      finish();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    };
    const ms = Number(url.searchParams.get('ms') ?? 0);
    if (ms > 0) setTimeout(answer, ms);
    else answer();
  });
  const arrivalsOf = (prefix: string) => arrivals.filter((a) => a.path.startsWith(prefix));
  return Object.assign(server, {
    arrivals,
    maxInFlight: () => maxInFlight,
    arrivalsOf,
    waitForArrivals(prefix: string, n: number, timeoutMs = 30_000) {
      return new Promise<Arrival[]>((resolve, reject) => {
        const check = () => {
          const seen = arrivalsOf(prefix);
          if (seen.length < n) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(seen);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`target saw ${arrivalsOf(prefix).length} of ${n} requests to ${prefix}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  });
}
