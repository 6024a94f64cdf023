import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { startHttpTestServer, type HttpTestServer } from './http-test-server.js';

/** One request as a {@link ScriptedTarget} saw it arrive. */
export interface Arrival {
  /** How many requests reached the target before this one (0-based, never reset). */
  readonly index: number;
  readonly method: string;
  /** The path without the query, e.g. `/rate/7`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The request target as it was sent, path and query (`/rate/7?ms=20`). */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The body as UTF-8 text (`''` without one). */
  readonly body: string;
  /** `performance.now()` when the request arrived: for gaps between arrivals. */
  readonly at: number;
  /**
   * `Date.now()` when the request arrived: for comparing with the times BullMQ
   * delays and schedules by, which are wall-clock times.
   */
  readonly wallClockAt: number;
  /** Requests in flight at the target when this one arrived, this one included. */
  readonly inFlight: number;
  /**
   * Resolves with `performance.now()` when the exchange closed: the answer
   * sent, or the connection cut by the sender (a cancelled request, say).
   */
  readonly closed: Promise<number>;
}

/** An answer to one request. */
export interface Answer {
  /** @defaultValue 200 */
  status?: number;
  /** A JSON body adds `content-type: application/json` unless given here. @defaultValue none */
  headers?: OutgoingHttpHeaders;
  /** A string or Buffer is sent as it is, anything else as JSON. @defaultValue `{}` */
  body?: unknown;
  /** Answers only this long after the request arrived (a slow peer). @defaultValue 0 */
  delayMs?: number;
}

/**
 * What the target does with one request: an {@link Answer}, a bare status
 * code (the body `{}`), or `'hold'`: no answer until `release()` or `close()`
 * (a peer that stalls, or one a sender dies while talking to).
 */
export type Reply = Answer | number | 'hold';

/**
 * Decides the reply from the request; returns nothing when it answered `res`
 * itself (a response cut off mid-body, say).
 */
export type ReplyFunction = (arrival: Arrival, res: ServerResponse) => Reply | undefined;

/**
 * The replies for a path: one for every request, a non-empty sequence (the
 * n-th request to the path gets the n-th reply, the last one repeats), or a
 * function.
 */
export type Script = Reply | readonly Reply[] | ReplyFunction;

/** How a {@link ScriptedTarget} answers. */
export interface ScriptedTargetOptions {
  /** Scripts by exact path (`/flaky`); other paths get `reply`. @defaultValue none */
  routes?: Readonly<Record<string, Script>>;
  /** The script of every path without a route. @defaultValue 200 with the body `{}` */
  reply?: Script;
}

/** Which arrivals a look or a wait is about: those that pass every field given (all without any). */
export interface ArrivalMatch {
  /** Only requests to exactly this path. */
  path?: string;
  /** Only requests whose path starts with this. */
  prefix?: string;
  /** Only requests this says yes to (a body that names an execution, say). */
  where?: (arrival: Arrival) => boolean;
}

/** What `waitFor` waits for, and how long. */
export interface WaitForOptions extends ArrivalMatch {
  /**
   * @defaultValue 20000 ms: room for a loaded two-core machine, and under
   * vitest's 30 s test timeout so that the failure names what did not arrive.
   */
  timeoutMs?: number;
}

/** A loopback HTTP server that answers by script and records every request. */
export interface ScriptedTarget extends HttpTestServer {
  /** Every request that arrived (its body read), in order of arrival. */
  readonly arrivals: readonly Arrival[];
  /** The arrivals that match, in order. */
  arrivalsOf(match: ArrivalMatch): Arrival[];
  /**
   * Resolves with the matching arrivals once `n` of them have arrived: at
   * once when they already have. Rejects naming what is missing after the
   * deadline.
   */
  waitFor(n: number, options?: WaitForOptions): Promise<Arrival[]>;
  /** Answers every held request 200 `{}`. */
  release(): void;
  /** Forgets the arrivals so far (sequences and `index` go on counting). */
  clear(): void;
}

/**
 * Starts a scripted target on 127.0.0.1 and a free port.
 *
 * @example
 * ```ts
 * const target = await startScriptedTarget({ routes: { '/flaky': [503, 503, 200] } });
 * // ... a task against `${target.url}/flaky` runs ...
 * const [first, , third] = await target.waitFor(3, { path: '/flaky' });
 * ```
 */
export async function startScriptedTarget(
  options: ScriptedTargetOptions = {},
): Promise<ScriptedTarget> {
  const recorder = new ArrivalRecorder(options);
  const server = await startHttpTestServer((req, res) => {
    const at = performance.now();
    const wallClockAt = Date.now();
    const inFlight = recorder.enter(res);
    const closed = new Promise<number>((resolve) =>
      res.once('close', () => resolve(performance.now())),
    );
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://target');
      recorder.arrive(
        {
          method: req.method ?? '',
          path: url.pathname,
          query: url.searchParams,
          url: req.url ?? '/',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at,
          wallClockAt,
          inFlight,
          closed,
        },
        res,
      );
    });
  });
  return Object.assign(server, {
    arrivals: recorder.arrivals,
    arrivalsOf: (match: ArrivalMatch) => recorder.arrivalsOf(match),
    waitFor: (n: number, waitOptions?: WaitForOptions) => recorder.waitFor(n, waitOptions),
    release: () => recorder.release(),
    clear: () => recorder.clear(),
  });
}

const DEFAULT_ANSWER: Answer = { status: 200, body: {} };

/** The arrivals, the scripts' state and the waiters of one target. */
class ArrivalRecorder {
  readonly arrivals: Arrival[] = [];
  readonly #routes: Readonly<Record<string, Script>>;
  readonly #reply: Script;
  /** Requests per path so far: the position in a path's sequence. */
  readonly #perPath = new Map<string, number>();
  readonly #held = new Set<ServerResponse>();
  /** Called after every arrival; each resolves its wait once satisfied. */
  readonly #waiters = new Set<() => void>();
  /** Requests not answered yet. */
  readonly #inFlight = new Set<ServerResponse>();
  #received = 0;

  constructor({ routes = {}, reply = DEFAULT_ANSWER }: ScriptedTargetOptions) {
    this.#routes = routes;
    this.#reply = reply;
  }

  /** Counts a request in flight until it is answered or closed; returns the count with it. */
  enter(res: ServerResponse): number {
    this.#inFlight.add(res);
    res.once('close', () => {
      this.#inFlight.delete(res);
      this.#held.delete(res);
    });
    return this.#inFlight.size;
  }

  arrive(request: Omit<Arrival, 'index'>, res: ServerResponse): void {
    const arrival: Arrival = { index: this.#received, ...request };
    this.#received += 1;
    this.arrivals.push(arrival);
    const position = this.#perPath.get(arrival.path) ?? 0;
    this.#perPath.set(arrival.path, position + 1);
    // The reply is decided before waiters run, so that whatever a script keeps
    // (a count, a flag) is up to date when a waiting test looks.
    const reply = this.#replyTo(arrival, position, res);
    if (reply !== undefined) this.#answer(res, reply);
    for (const waiter of this.#waiters) waiter();
  }

  arrivalsOf({ path, prefix, where }: ArrivalMatch): Arrival[] {
    return this.arrivals.filter(
      (a) =>
        (path === undefined || a.path === path) &&
        (prefix === undefined || a.path.startsWith(prefix)) &&
        (where === undefined || where(a)),
    );
  }

  waitFor(n: number, { timeoutMs = 20_000, ...match }: WaitForOptions = {}): Promise<Arrival[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const seen = this.arrivalsOf(match);
        if (seen.length < n) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(seen);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(this.#shortfall(n, match, timeoutMs)));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  release(): void {
    for (const res of this.#held) this.#answer(res, DEFAULT_ANSWER);
    this.#held.clear();
  }

  clear(): void {
    this.arrivals.length = 0;
  }

  #replyTo(arrival: Arrival, position: number, res: ServerResponse): Reply | undefined {
    const script = this.#routes[arrival.path] ?? this.#reply;
    if (typeof script === 'function') return script(arrival, res);
    if (isSequence(script)) return script[Math.min(position, script.length - 1)];
    return script;
  }

  #answer(res: ServerResponse, reply: Reply): void {
    if (reply === 'hold') {
      this.#held.add(res);
      return;
    }
    const {
      status = 200,
      headers = {},
      body = {},
      delayMs = 0,
    } = typeof reply === 'number' ? { status: reply } : reply;
    const send = () => {
      this.#inFlight.delete(res);
      if (res.destroyed) return;
      if (typeof body === 'string' || Buffer.isBuffer(body)) {
        res.writeHead(status, headers).end(body);
      } else {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      }
    };
    if (delayMs <= 0) return send();
    const timer = setTimeout(send, delayMs);
    res.once('close', () => clearTimeout(timer));
  }

  #shortfall(n: number, match: ArrivalMatch, timeoutMs: number): string {
    const which = [
      match.path !== undefined ? ` to ${match.path}` : '',
      match.prefix !== undefined ? ` to ${match.prefix}*` : '',
      match.where !== undefined ? ' that match' : '',
    ].join('');
    const seen = this.arrivalsOf(match).length;
    const last = this.arrivals
      .slice(-5)
      .map((a) => `${a.method} ${a.path}`)
      .join(', ');
    return `timed out after ${timeoutMs} ms: the target saw ${seen} of ${n} requests${which} (last arrivals: ${last || 'none'})`;
  }
}

function isSequence(script: Reply | readonly Reply[]): script is readonly Reply[] {
  return Array.isArray(script);
}
