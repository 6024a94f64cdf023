import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readiness } from './worker-health.js';

/** The worker's probe endpoint. */
export interface HealthServer {
  /** The port it listens on (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A tiny HTTP server in the worker process for orchestrators' probes:
 *
 * - `GET /livez`: 200 whenever the event loop turns (it answers at all), with
 *   the process's memory figures.
 * - `GET /readyz`: 200 when `readiness()` says the worker is consuming, 503
 *   with the reason otherwise (it asks Redis, within a deadline of its own).
 *
 * Both answer JSON. Nothing secret is in either; still, it listens on
 * loopback unless told otherwise.
 */
export async function startHealthServer(
  readiness: () => Promise<Readiness>,
  { host, port }: { host: string; port: number },
): Promise<HealthServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { error: 'GET only' });
    if (path === '/livez') {
      const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
      return send(200, {
        live: true,
        pid: process.pid,
        uptimeSeconds: Math.round(process.uptime()),
        memory: { rss, heapUsed, heapTotal, external, arrayBuffers },
      });
    }
    if (path === '/readyz') {
      readiness().then(
        (state) => send(state.ready ? 200 : 503, state),
        () => send(503, { ready: false, reason: 'the readiness check failed' }),
      );
      return;
    }
    send(404, { error: 'not found: try /livez or /readyz' });
  });
  // Probes are short: do not let an idle keep-alive socket hold up the exit.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
