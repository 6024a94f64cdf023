import type { ServerResponse } from 'node:http';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';

const MiB = 1024 * 1024;
/** What each hostile response would put in memory if the limit were ignored. */
const HOSTILE_BYTES = 256 * MiB;
/** Peak growth allowed while one runs: generous, and far below HOSTILE_BYTES. */
const MEMORY_BOUND = 64 * MiB;

/**
 * Through a real worker: huge, endless and gzip-bomb responses
 * are cut at TASKREST_MAX_RESPONSE_BYTES (counted after decompression), the
 * execution ends with status error, and the worker's memory stays bounded.
 */
describe('response size limit, end to end', () => {
  let h: Harness;
  let server: HttpTestServer;
  let bomb: Buffer;

  beforeAll(async () => {
    bomb = await gzipOfZeros(HOSTILE_BYTES);
    server = await startHttpTestServer((req, res) => {
      if (req.url === '/huge') {
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': HOSTILE_BYTES,
        });
        return pump(res, HOSTILE_BYTES);
      }
      if (req.url === '/endless') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return pump(res, Infinity);
      }
      if (req.url === '/bomb') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        return void res.end(bomb);
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('small');
    });
    h = startHarness({ TASKREST_MAX_RESPONSE_BYTES: String(1 * MiB) });
  });
  afterAll(async () => {
    await h.close();
    await server.close();
  });

  it.each([
    ['a huge response (256 MiB announced)', '/huge'],
    ['an endless chunked response', '/endless'],
    ['a gzip bomb (256 MiB of zeros in a few hundred KiB)', '/bomb'],
  ])('cuts %s at the limit with status error, memory bounded', async (_name, path) => {
    const before = process.memoryUsage();
    let peak = 0;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peak = Math.max(
        peak,
        now.heapUsed + now.arrayBuffers - before.heapUsed - before.arrayBuffers,
      );
    }, 5);
    try {
      const execution = await h.run({ url: `${server.url}${path}` });
      expect(execution.state).toBe('failed');
      expect(execution.output).toMatchObject({
        status: 'error',
        message: expect.stringMatching(/^response too large: .*1 MiB/),
      });
    } finally {
      clearInterval(sampler);
    }
    expect(peak).toBeLessThan(MEMORY_BOUND);
    // The worker still works afterwards.
    expect((await h.run({ url: `${server.url}/small` })).output?.status).toBe('success');
  });
});

/** Writes zeros in 64 KiB chunks, honouring backpressure, until `total` or the client goes. */
function pump(res: ServerResponse, total: number): void {
  const chunk = Buffer.alloc(64 * 1024);
  let sent = 0;
  const write = () => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', write);
    }
    if (!res.destroyed) res.end();
  };
  res.on('error', () => undefined);
  write();
}

/** gzip of `size` zero bytes, compressed a MiB at a time (never held whole). */
async function gzipOfZeros(size: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gzip.on('data', (c: Buffer) => parts.push(c));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  const zeros = Buffer.alloc(MiB);
  for (let written = 0; written < size; written += MiB) {
    if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
  return Buffer.concat(parts);
}
