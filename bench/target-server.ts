/**
 * The benchmark's HTTP target, run as its own process so that its CPU is not
 * the measuring process's: `GET /bytes/<n>` answers 200 with n bytes
 * (keep-alive), after `?delay=<ms>` milliseconds when asked (a realistic
 * peer's latency), `GET /__count` the number of /bytes requests served so far.
 * Prints its port on stdout once listening.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const bodies = new Map<number, Buffer>();
let served = 0;

function body(size: number): Buffer {
  let b = bodies.get(size);
  if (!b) {
    // Plain text that is not JSON: every client decodes it the same way.
    b = Buffer.alloc(size, 'abcdefghijklmnopqrstuvwxyz0123456789\n');
    bodies.set(size, b);
  }
  return b;
}

const server = http.createServer((req, res) => {
  const url = req.url ?? '';
  if (url === '/__count') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ served }));
    return;
  }
  const match = /^\/bytes\/(\d+)/.exec(url);
  if (!match) {
    res.writeHead(404);
    res.end();
    return;
  }
  const b = body(Number(match[1]));
  const answer = () => {
    served++;
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': b.length });
    res.end(b);
  };
  const delay = Number(/[?&]delay=(\d+)/.exec(url)?.[1] ?? 0);
  if (delay > 0) setTimeout(answer, delay);
  else answer();
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
