/**
 * The soak's loopback target, run as its own process (its RSS is sampled
 * like the product's): two listeners, two destinations.
 *
 * - main port, `GET /t/<key>?fail=K&code=C&retry_after=S`: the first K
 *   requests for `key` answer status C (with `Retry-After: S` when given),
 *   every later one 200. So a task's script is in its URL and the target
 *   keeps only a counter per key.
 * - circuit port, `GET /c/<key>`: 503 while the phase is failing, else 200;
 *   `POST /__phase/failing` and `/__phase/healthy` on the main port switch it.
 * - `GET /__counts`: the request counts by sequence number (`bySeq`), the
 *   schedule's, and the phase switches; `GET /__count/<key>` one key's.
 *
 * Keys are `<kind>-<seq>` (the execution id) or `schedule`; argv[2] is how
 * many sequence numbers to count.
 *
 * Prints `{"port":…,"circuitPort":…}` on stdout once both listen.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// Requests per task, by the task's sequence number (its id ends in it): allocated once from
// the capacity the soak passes, so that the target's memory does not grow with the run.
const counts = new Uint16Array(Number(process.argv[2] ?? 1_000_000));
let scheduleRequests = 0;
let failing = false;
let failingAnswers = 0;
let phaseSwitches = 0;

/** Counts a request of `key` (`<kind>-<seq>`, or `schedule`); answers the key's count so far. */
function count(key: string): number {
  if (key === 'schedule') return ++scheduleRequests;
  const seq = Number(key.slice(key.lastIndexOf('-') + 1));
  if (!Number.isInteger(seq) || seq < 0 || seq >= counts.length) return 1;
  counts[seq] = (counts[seq] ?? 0) + 1;
  return counts[seq] ?? 0;
}

/** The count of `key` without counting. */
function countOf(key: string): number {
  if (key === 'schedule') return scheduleRequests;
  return counts[Number(key.slice(key.lastIndexOf('-') + 1))] ?? 0;
}

function answer(res: http.ServerResponse, status: number, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(status < 300 ? '{"ok":true,"value":"a small answer"}' : '{"ok":false}');
}

function control(url: string, res: http.ServerResponse): boolean {
  if (url === '/__counts') {
    res.writeHead(200, { 'content-type': 'application/json' });
    let last = counts.length;
    while (last > 0 && counts[last - 1] === 0) last--;
    const bySeq = Array.from(counts.subarray(0, last));
    res.end(JSON.stringify({ bySeq, scheduleRequests, failingAnswers, phaseSwitches }));
    return true;
  }
  const one = /^\/__count\/([\w.:!-]+)$/.exec(url)?.[1];
  if (one) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ count: countOf(one) }));
    return true;
  }
  const phase = /^\/__phase\/(failing|healthy)$/.exec(url)?.[1];
  if (!phase) return false;
  if (failing !== (phase === 'failing')) phaseSwitches++;
  failing = phase === 'failing';
  answer(res, 200);
  return true;
}

const main = http.createServer((req, res) => {
  req.resume();
  const url = new URL(req.url ?? '/', 'http://target');
  if (control(url.pathname, res)) return;
  const key = /^\/t\/([\w.:!-]+)$/.exec(url.pathname)?.[1];
  if (!key) return answer(res, 404);
  const n = count(key);
  const fail = Number(url.searchParams.get('fail') ?? 0);
  if (n > fail) return answer(res, 200);
  const retryAfter = url.searchParams.get('retry_after');
  answer(
    res,
    Number(url.searchParams.get('code') ?? 503),
    retryAfter ? { 'retry-after': retryAfter } : {},
  );
});

const circuit = http.createServer((req, res) => {
  req.resume();
  const key = /^\/c\/([\w.:!-]+)$/.exec(req.url ?? '')?.[1];
  if (!key) return answer(res, 404);
  count(key);
  if (!failing) return answer(res, 200);
  failingAnswers++;
  answer(res, 503);
});

const listen = (server: http.Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
main.keepAliveTimeout = 60_000;
circuit.keepAliveTimeout = 60_000;
const [port, circuitPort] = await Promise.all([listen(main), listen(circuit)]);
process.stdout.write(`${JSON.stringify({ port, circuitPort })}\n`);
process.on('SIGTERM', () => process.exit(0));
