import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { AbortFlag } from './abort-flag.js';

/** A response read whole: the bytes as they came over the wire (not decoded). */
export interface CollectedResponse {
  statusCode: number;
  statusText: string;
  /** Lower-case names; a repeated header is an array (undici's parsing). */
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** True when `body` is what was read before the body was cut (see `keepCut`). */
  cut: boolean;
}

export interface CollectOptions {
  /** Aborts the request with its `reason` (undici is handed no signal: see below). */
  signal: AbortFlag | undefined;
  /**
   * Called once the response head is in: the most body bytes accepted for
   * it, or throws to refuse the response unread (e.g. a Content-Length
   * already past the limit). The connection is dropped either way.
   */
  bodyLimit(statusCode: number, headers: IncomingHttpHeaders): number;
  /** The error a body past its limit is aborted with. */
  tooLarge(): Error;
  /**
   * Set: once the head is in, an error this says yes to (the body past its
   * limit, a timeout, a reset) does not fail the response: the body read so
   * far is kept (up to the limit), the request dropped, and the response
   * resolved as `cut`. Unset: every such error fails it.
   */
  keepCut?: (error: unknown) => boolean;
}

/**
 * Sends one request on `dispatcher` and reads its response whole, through
 * undici's handler API (`Dispatcher.dispatch`). `Dispatcher.request` would
 * wrap the body in a Readable stream for this code to read back into one
 * Buffer: a stream, its state and its events per request, measured with
 * `npm run bench:cpu` (see docs/performance.md). Here each chunk lands in an
 * array, and a body past its limit aborts the request at that chunk, so an
 * endless body costs at most the limit plus one chunk.
 */
export function collectResponse(
  dispatcher: Dispatcher,
  request: Dispatcher.DispatchOptions,
  options: CollectOptions,
): Promise<CollectedResponse> {
  return new Promise((resolve, reject) => {
    const { signal } = options;
    const collector = new ResponseCollector(options, resolve, reject);
    if (signal?.aborted) {
      collector.onAbort();
      return;
    }
    // Aborted while undici holds the request back (waiting for a connection):
    // settled at once; onRequestStart then sees the flag and never sends it.
    signal?.addEventListener('abort', collector.onAbort);
    dispatcher.dispatch(request, collector);
  });
}

class ResponseCollector implements Dispatcher.DispatchHandler {
  #controller: Dispatcher.DispatchController | undefined;
  readonly #chunks: Buffer[] = [];
  #size = 0;
  /** Bytes in `chunks`: `size`, or less once a body past its limit was cut. */
  #kept = 0;
  #headIn = false;
  #limit = 0;
  #statusCode = 0;
  #statusText = '';
  #headers: IncomingHttpHeaders = {};
  #settled = false;

  readonly #options: CollectOptions;
  readonly #resolve: (response: CollectedResponse) => void;
  readonly #reject: (error: unknown) => void;

  constructor(
    options: CollectOptions,
    resolve: (response: CollectedResponse) => void,
    reject: (error: unknown) => void,
  ) {
    this.#options = options;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** The signal aborted: the request is aborted where it is, and the promise rejects with the reason. */
  readonly onAbort = (): void => {
    const reason = this.#options.signal?.reason as Error;
    if (!this.#keepsCut(reason)) this.#fail(reason);
    this.#controller?.abort(reason);
  };

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    const { signal } = this.#options;
    if (signal?.aborted) controller.abort(signal.reason as Error);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    this.#statusCode = statusCode;
    this.#statusText = statusMessage ?? '';
    this.#headers = headers;
    this.#headIn = true;
    try {
      this.#limit = this.#options.bodyLimit(statusCode, headers);
    } catch (error) {
      controller.abort(error as Error);
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    this.#size += chunk.length;
    if (this.#size <= this.#limit) {
      this.#chunks.push(chunk);
      this.#kept = this.#size;
      return;
    }
    const tooLarge = this.#options.tooLarge();
    if (this.#options.keepCut?.(tooLarge)) {
      // The part of this chunk that still fits, then no more.
      const room = this.#limit - this.#kept;
      if (room > 0) this.#chunks.push(chunk.subarray(0, room));
      this.#kept = this.#limit;
      this.#finish(true);
    }
    controller.abort(tooLarge);
  }

  onResponseEnd(): void {
    this.#finish(false);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (!this.#keepsCut(error)) this.#fail(error);
  }

  /** Resolves with the body read so far, cut, when `error` may cut it (see `keepCut`). */
  #keepsCut(error: unknown): boolean {
    if (!this.#headIn || !this.#options.keepCut?.(error)) return false;
    this.#finish(true);
    return true;
  }

  #finish(cut: boolean): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#options.signal?.removeEventListener('abort', this.onAbort);
    const chunks = this.#chunks;
    const kept = this.#kept;
    this.#resolve({
      statusCode: this.#statusCode,
      statusText: this.#statusText,
      headers: this.#headers,
      body: chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, kept),
      cut,
    });
  }

  #fail(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#options.signal?.removeEventListener('abort', this.onAbort);
    this.#reject(error);
  }
}
