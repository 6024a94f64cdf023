import { getEventListeners } from 'node:events';
import type { ServerResponse } from 'node:http';
import axios, { type AxiosRequestConfig } from 'axios';
import axiosRetry from 'axios-retry';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TransportOptions } from '../../worker/executor/transport/transport-options.js';
import { createUndiciAdapter } from '../../worker/executor/transport/undici-adapter.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';

/**
 * Many requests sharing one AbortSignal (a worker's jobs under one shutdown
 * signal): the signal must not collect a listener per request in flight,
 * which is what made Node warn "11 abort listeners added to [AbortSignal]".
 */
const N = 50;
const transport = createUndiciAdapter();
const client = axios.create({ adapter: transport.adapter, validateStatus: () => true });
axiosRetry(client, { retries: 0 });
afterAll(() => transport.close());

const options: TransportOptions = {
  connectTimeoutMs: 5000,
  readTimeoutMs: 10_000,
  totalTimeoutMs: 20_000,
  maxResponseBytes: 1024 * 1024,
  tls: { rejectUnauthorized: true },
};

let server: HttpTestServer;
let held: ServerResponse[];
let arrived: () => void;
let allArrived: Promise<void>;
const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);

beforeEach(async () => {
  held = [];
  warnings.length = 0;
  allArrived = new Promise((resolve) => (arrived = resolve));
  // Holds every request until N have arrived, so all N are in flight at once.
  server = await startHttpTestServer((req, res) => {
    req.resume();
    held.push(res);
    if (held.length === N) arrived();
  });
  process.on('warning', onWarning);
});
afterEach(async () => {
  process.off('warning', onWarning);
  await server.close();
});

const abortListeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;
/** Warnings are emitted on a later tick: give them one before looking. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe.each([
  ['with a total timeout', { taskrest: options }],
  ['without taskrest options', {}],
] as [string, AxiosRequestConfig][])('%s', (_name, extra) => {
  it(`${N} requests in flight on one signal: one listener at most, none after, no warning`, async () => {
    const controller = new AbortController();
    const baseline = abortListeners(controller.signal);
    const requests = Array.from({ length: N }, () =>
      client.request({ url: server.url, signal: controller.signal, ...extra }),
    );
    await allArrived;
    const inFlight = abortListeners(controller.signal);
    for (const res of held) res.end('ok');
    const responses = await Promise.all(requests);
    expect(responses.map((r) => r.status)).toEqual(Array(N).fill(200));
    await settle();
    expect(inFlight).toBeLessThanOrEqual(baseline + 1);
    expect(abortListeners(controller.signal)).toBe(baseline);
    expect(warnings.map(String)).toEqual([]);
  });

  it(`aborting the shared signal still cancels all ${N}, and leaves no listener`, async () => {
    const controller = new AbortController();
    const baseline = abortListeners(controller.signal);
    const requests = Array.from({ length: N }, () =>
      client.request({ url: server.url, signal: controller.signal, ...extra }).then(
        () => 'answered',
        (error: { code?: string }) => error.code,
      ),
    );
    await allArrived;
    controller.abort();
    expect(await Promise.all(requests)).toEqual(Array(N).fill('ERR_CANCELED'));
    await settle();
    expect(abortListeners(controller.signal)).toBe(baseline);
    expect(warnings.map(String)).toEqual([]);
  });
});
