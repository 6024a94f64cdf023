import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type http from 'node:http';
import type { LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import axios, { AxiosError, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import axiosRetry from 'axios-retry';
import FormData from 'form-data';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { classifyError, isRetryableNetworkError } from '../../worker/executor/classify-error.js';
import type { TransportOptions } from '../../worker/executor/transport/transport-options.js';
import { TransportErrorCode } from '../../worker/executor/transport/transport-error.js';
import { createUndiciAdapter } from '../../worker/executor/transport/undici-adapter.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';
import { startUnacceptingServer } from '../helpers/unaccepting-server.js';
import { freePort } from '../helpers/free-port.js';

const MiB = 1024 * 1024;
const SECRET = 'Bearer s3cr3t-t0ken-value';

const transport = createUndiciAdapter();
const client = axios.create({ adapter: transport.adapter, validateStatus: () => true });

/** Servers started by one test, closed after it. */
const servers: HttpTestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => transport.close());

async function serve(handler: http.RequestListener): Promise<HttpTestServer> {
  const server = await startHttpTestServer(handler);
  servers.push(server);
  return server;
}

function options(overrides: Partial<TransportOptions> = {}): TransportOptions {
  return {
    connectTimeoutMs: 5000,
    readTimeoutMs: 10_000,
    totalTimeoutMs: 20_000,
    maxResponseBytes: 10 * MiB,
    tls: { rejectUnauthorized: true },
    ...overrides,
  };
}

/** Runs a request that must fail; returns the AxiosError and how long it took. */
async function failing(
  config: AxiosRequestConfig,
  on = client,
): Promise<{ error: AxiosError; ms: number }> {
  const started = performance.now();
  try {
    await on.request(config);
  } catch (err) {
    expect(err).toBeInstanceOf(AxiosError);
    return { error: err as AxiosError, ms: performance.now() - started };
  }
  throw new Error('expected the request to fail');
}

function causeCode(error: AxiosError): unknown {
  return (error.cause as { code?: unknown } | undefined)?.code;
}

/** Collects a request's body and hands it to `reply`. */
function echo(reply: (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => void) {
  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => reply(req, Buffer.concat(chunks), res));
  };
}

describe('requests', () => {
  it('builds the URL with params and paramsSerializer as axios does', async () => {
    const seen: string[] = [];
    const server = await serve((req, res) => {
      seen.push(req.url ?? '');
      res.end('ok');
    });
    await client.get(`${server.url}/a/b?x=[1]`, { params: { q: 'a b', list: [1, 2], u: 'ü&' } });
    await client.get('c', {
      baseURL: `${server.url}/base/`,
      params: { z: 1 },
      paramsSerializer: { serialize: () => 'custom=yes' },
    });
    // What axios' own Node adapter sends for the same config.
    expect(seen).toEqual([
      '/a/b?x=[1]&q=a+b&list%5B%5D=1&list%5B%5D=2&u=%C3%BC%26',
      '/base/c?custom=yes',
    ]);
  });

  it('sends string, Buffer, stream and form-data bodies byte-exact', async () => {
    const received: { body: Buffer; headers: http.IncomingHttpHeaders }[] = [];
    const server = await serve(
      echo((req, body, res) => {
        received.push({ body, headers: req.headers });
        res.end();
      }),
    );
    const binary = Buffer.from([0, 1, 2, 255, 254, 0x0d, 0x0a, 0x80]);
    const big = Buffer.alloc(300_000, 'xyz');
    await client.post(server.url, 'héllo wörld', { headers: { 'content-type': 'text/plain' } });
    await client.post(server.url, binary);
    await client.post(server.url, Readable.from([big.subarray(0, 1000), big.subarray(1000)]));
    const form = new FormData();
    form.append('field', 'spam & eggs');
    form.append('file', binary, { filename: 'b.bin' });
    await client.post(server.url, form);

    expect(received[0]?.body.toString('utf8')).toBe('héllo wörld');
    expect(received[0]?.headers['content-length']).toBe(String(Buffer.byteLength('héllo wörld')));
    expect(received[1]?.body.equals(binary)).toBe(true);
    expect(received[2]?.body.equals(big)).toBe(true);
    const multipart = received[3];
    expect(multipart?.headers['content-type']).toBe(
      `multipart/form-data; boundary=${form.getBoundary()}`,
    );
    expect(multipart?.headers['content-length']).toBe(String(multipart?.body.length));
    expect(multipart?.body.includes(binary)).toBe(true);
    expect(multipart?.body.toString('latin1')).toContain('spam & eggs');
    expect(received.every((r) => r.headers['user-agent']?.startsWith('axios/'))).toBe(true);
  });

  it('works under axios-retry: a 503 then a 200', async () => {
    let calls = 0;
    const server = await serve((_req, res) => {
      calls += 1;
      res.statusCode = calls === 1 ? 503 : 200;
      res.end(calls === 1 ? 'busy' : 'done');
    });
    const retrying = axios.create({ adapter: transport.adapter });
    axiosRetry(retrying, { retries: 2, retryDelay: () => 10 });
    const res = await retrying.get<Buffer>(server.url);
    expect(res.status).toBe(200);
    expect(res.data.toString()).toBe('done');
    expect(calls).toBe(2);
  });

  it('rejects a status that validateStatus refuses, with the response', async () => {
    const server = await serve((_req, res) => {
      res.statusCode = 404;
      res.end('nope');
    });
    const plain = axios.create({ adapter: transport.adapter });
    const { error } = await failing({ url: server.url }, plain);
    expect(error.code).toBe('ERR_BAD_REQUEST');
    expect(error.response?.status).toBe(404);
    expect(classifyError(error).code).toBe('UNEXPECTED_STATUS');
  });

  it('returns a 3xx as it is and never follows it', async () => {
    let calls = 0;
    const server = await serve((req, res) => {
      calls += 1;
      res.writeHead(302, { location: '/elsewhere' });
      res.end();
    });
    const res = await client.get(server.url);
    expect(res.status).toBe(302);
    expect(res.statusText).toBe('Found');
    expect(res.headers.location).toBe('/elsewhere');
    expect(calls).toBe(1);
  });

  it('keeps set-cookie as an array and answers with a Buffer', async () => {
    const server = await serve((req, res) => {
      const cookies = req.url === '/one' ? ['a=1'] : ['a=1; Path=/', 'b=2; HttpOnly'];
      res.setHeader('set-cookie', cookies);
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
    const two = await client.get(`${server.url}/two`);
    const one = await client.get(`${server.url}/one`, { responseType: 'json' });
    expect(two.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(one.headers['set-cookie']).toEqual(['a=1']);
    expect(Buffer.isBuffer(one.data)).toBe(true);
    expect(one.request).toEqual({ method: 'GET', origin: server.url, path: '/one' });
  });

  it('is cancelled by config.signal', async () => {
    const server = await serve(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const { error, ms } = await failing({ url: server.url, signal: controller.signal });
    expect(error.code).toBe('ERR_CANCELED');
    expect(ms).toBeLessThan(5000);
    expect(classifyError(error).code).toBe('ABORTED');
  });
});

describe('response decoding and size limit', () => {
  const text = 'Grüße aus Wien! '.repeat(500);
  const encoders: Record<string, (b: Buffer) => Buffer> = {
    gzip: (b) => zlib.gzipSync(b),
    deflate: (b) => zlib.deflateSync(b),
    'deflate-raw': (b) => zlib.deflateRawSync(b),
    br: (b) => zlib.brotliCompressSync(b),
  };

  it.each(Object.keys(encoders))('decodes %s', async (name) => {
    const encoded = encoders[name]!(Buffer.from(text));
    const server = await serve((_req, res) => {
      res.setHeader('content-encoding', name === 'deflate-raw' ? 'deflate' : name);
      res.setHeader('content-length', encoded.length);
      res.end(encoded);
    });
    const res = await client.get<Buffer>(server.url);
    expect(res.data.toString('utf8')).toBe(text);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['content-length']).toBeUndefined();
  });

  it('refuses a plain body over the limit', async () => {
    const server = await serve((_req, res) => res.end(Buffer.alloc(2 * MiB)));
    const { error } = await failing({
      url: server.url,
      taskrest: options({ maxResponseBytes: MiB }),
    });
    expect(error.code).toBe('ERR_BAD_RESPONSE');
    expect(causeCode(error)).toBe(TransportErrorCode.RESPONSE_TOO_LARGE);
    expect(error.response).toBeUndefined();
    const classified = classifyError(error);
    expect(classified.code).toBe('RESPONSE_TOO_LARGE');
    expect(classified.message).toBe('response too large: body exceeds the limit of 1 MiB');
  });

  it('accepts a body of exactly the limit', async () => {
    const server = await serve((_req, res) => res.end(Buffer.alloc(MiB, 1)));
    const res = await client.get<Buffer>(server.url, {
      taskrest: options({ maxResponseBytes: MiB }),
    });
    expect(res.data.length).toBe(MiB);
  });

  it('cuts an endless chunked body at the limit', async () => {
    let stopped = false;
    const server = await serve((_req, res) => {
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const write = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', write);
      };
      res.on('close', () => (stopped = true));
      write();
    });
    const { error, ms } = await failing({
      url: server.url,
      taskrest: options({ maxResponseBytes: 2 * MiB }),
    });
    expect(causeCode(error)).toBe(TransportErrorCode.RESPONSE_TOO_LARGE);
    expect(ms).toBeLessThan(5000);
    await expect.poll(() => stopped).toBe(true);
  });

  it('cuts a gzip bomb at the limit without inflating it all', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * MiB), { level: 9 });
    expect(bomb.length).toBeLessThan(100 * 1024);
    const server = await serve((_req, res) => {
      res.setHeader('content-encoding', 'gzip');
      res.end(bomb);
    });
    const before = process.memoryUsage();
    const { error } = await failing({
      url: server.url,
      taskrest: options({ maxResponseBytes: MiB }),
    });
    const after = process.memoryUsage();
    expect(causeCode(error)).toBe(TransportErrorCode.RESPONSE_TOO_LARGE);
    const grown = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
    expect(grown).toBeLessThan(32 * MiB);
  });
});

describe('network failures', () => {
  it('connection refused keeps ECONNREFUSED, for axios-retry too', async () => {
    const port = await freePort();
    const { error } = await failing({
      url: `http://127.0.0.1:${port}/`,
      headers: { authorization: SECRET },
    });
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.message).not.toContain('s3cr3t');
    expect(axiosRetry.isNetworkError(error)).toBe(true);
    expect(isRetryableNetworkError(error)).toBe(true);
    const classified = classifyError(error);
    expect(classified.code).toBe('NETWORK');
    expect(classified.message).toBe(`connection refused by 127.0.0.1:${port}`);
    expect(classified.cause).toBe(error);
  });

  it('a DNS failure from the lookup hook keeps its code', async () => {
    const lookup = ((hostname: string, _opts: unknown, callback: (e: Error) => void) => {
      const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
        code: 'ENOTFOUND',
        syscall: 'getaddrinfo',
        hostname,
      });
      callback(err);
    }) as unknown as LookupFunction;
    const dns = createUndiciAdapter({ lookup });
    try {
      const { error } = await failing({
        url: 'http://no-such-host.invalid/',
        adapter: dns.adapter,
      });
      expect(error.code).toBe('ENOTFOUND');
      expect(classifyError(error).message).toBe('DNS lookup failed for no-such-host.invalid');
    } finally {
      await dns.close();
    }
  });

  it.each([
    ['with Content-Length', true],
    ['chunked', false],
  ])('a body reset mid-way (%s) is an error, not a short success', async (_name, withLength) => {
    const server = await serve((_req, res) => {
      if (withLength) res.setHeader('content-length', 100_000);
      res.write(Buffer.alloc(10_000, 'a'));
      setTimeout(() => res.socket?.destroy(), 50);
    });
    const { error } = await failing({ url: server.url });
    expect(error.code).toBe('ECONNRESET');
    expect(error.response).toBeUndefined();
    expect(axiosRetry.isNetworkError(error)).toBe(true);
    expect(classifyError(error).code).toBe('NETWORK');
  });
});

describe('timeouts', () => {
  it('read timeout fires when the server never answers', async () => {
    const server = await serve(() => undefined);
    const { error, ms } = await failing({
      url: server.url,
      headers: { authorization: SECRET },
      taskrest: options({ readTimeoutMs: 1000, totalTimeoutMs: null }),
    });
    expect(error.code).toBe('ETIMEDOUT');
    expect(causeCode(error)).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect(error.message).not.toContain('s3cr3t');
    expectNear(ms, 1000);
    const classified = classifyError(error);
    expect(classified.code).toBe('READ_TIMEOUT');
    expect(classified.message).toBe(
      `read timeout: no response from 127.0.0.1:${server.port} within 1 s`,
    );
  });

  it('read timeout fires when the body stalls', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': 100 });
      res.write('partial');
    });
    const { error, ms } = await failing({
      url: server.url,
      taskrest: options({ readTimeoutMs: 1000, totalTimeoutMs: 0 }),
    });
    expect(error.code).toBe('ETIMEDOUT');
    expect(causeCode(error)).toBe('UND_ERR_BODY_TIMEOUT');
    expectNear(ms, 1000);
    expect(classifyError(error).code).toBe('READ_TIMEOUT');
  });

  it('a body dripping a byte a second: read timeout 2.5 s does not fire, total 2 s does', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': 4 });
      let sent = 0;
      const timer = setInterval(() => {
        res.write('x');
        sent += 1;
        if (sent === 4) {
          clearInterval(timer);
          res.end();
        }
      }, 1000);
      res.on('close', () => clearInterval(timer));
    });
    const [slow, cut] = await Promise.all([
      client.get<Buffer>(server.url, {
        taskrest: options({ readTimeoutMs: 2500, totalTimeoutMs: null }),
      }),
      failing({
        url: server.url,
        taskrest: options({ readTimeoutMs: 2500, totalTimeoutMs: 2000 }),
      }),
    ]);
    expect(slow.data.toString()).toBe('xxxx');
    expect(cut.error.code).toBe('ECONNABORTED');
    expect(causeCode(cut.error)).toBe(TransportErrorCode.TOTAL_TIMEOUT);
    expectNear(cut.ms, 2000);
    const classified = classifyError(cut.error);
    expect(classified.code).toBe('TOTAL_TIMEOUT');
    expect(classified.message).toContain('within 2 s');
  });

  it('connect timeout fires when the connect never completes', async () => {
    const blackhole = await startUnacceptingServer();
    try {
      const { error, ms } = await failing({
        url: `http://127.0.0.1:${blackhole.port}/`,
        taskrest: options({ connectTimeoutMs: 1500, readTimeoutMs: null, totalTimeoutMs: null }),
      });
      expect(error.code).toBe('ETIMEDOUT');
      expect(causeCode(error)).toBe('UND_ERR_CONNECT_TIMEOUT');
      expectNear(ms, 1500);
      expect(isRetryableNetworkError(error)).toBe(true);
      const classified = classifyError(error);
      expect(classified.code).toBe('CONNECT_TIMEOUT');
      expect(classified.message).toBe(
        `connect timeout: no connection to 127.0.0.1:${blackhole.port} within 1.5 s`,
      );
    } finally {
      await blackhole.close();
    }
  });
});

describe('TLS', () => {
  let dir: string;
  let cert: string;
  let server: HttpTestServer;
  // The certificate names taskrest.test; this lookup sends that name to loopback.
  type Callback = (err: null, address: unknown, family?: number) => void;
  const lookup = ((_host: string, opts: { all?: boolean }, callback: Callback) => {
    if (opts.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
  }) as unknown as LookupFunction;
  const tlsTransport = createUndiciAdapter({ lookup });
  const get = (url: string, tls: TransportOptions['tls']): Promise<AxiosResponse<Buffer>> =>
    client.get(url, { adapter: tlsTransport.adapter, taskrest: options({ tls }) });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'taskrest-tls-'));
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=taskrest.test']
        .concat(['-addext', 'subjectAltName=DNS:taskrest.test'])
        .concat(['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]),
      { stdio: 'ignore' },
    );
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const key = readFileSync(join(dir, 'key.pem'), 'utf8');
    server = await startHttpTestServer((_req, res) => res.end('secure'), { key, cert });
  });
  afterAll(async () => {
    await server.close();
    await tlsTransport.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a self-signed certificate by default', async () => {
    const url = `https://taskrest.test:${server.port}/`;
    const { error } = await failing({
      url,
      adapter: tlsTransport.adapter,
      taskrest: options(),
    });
    expect(error.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(isRetryableNetworkError(error, true)).toBe(false);
    const classified = classifyError(error);
    expect(classified.code).toBe('TLS');
    expect(classified.message).toBe(
      'TLS: certificate is self-signed and not trusted (set cacert or verify_ssl: false)',
    );
  });

  it('trusts it with ca, and without verification', async () => {
    const url = `https://taskrest.test:${server.port}/`;
    expect((await get(url, { rejectUnauthorized: true, ca: cert })).data.toString()).toBe('secure');
    expect((await get(url, { rejectUnauthorized: false })).data.toString()).toBe('secure');
  });

  it('refuses a name mismatch even with the ca', async () => {
    const { error } = await failing({
      url: `https://127.0.0.1:${server.port}/`,
      adapter: tlsTransport.adapter,
      taskrest: options({ tls: { rejectUnauthorized: true, ca: cert } }),
    });
    expect(error.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(classifyError(error).message).toBe(
      'TLS: certificate name does not match host 127.0.0.1',
    );
  });
});

/** Fired between 0.8x and 3x the limit plus a second: generous on a loaded machine, yet catches an ignored limit. */
function expectNear(ms: number, limitMs: number): void {
  expect(ms).toBeGreaterThanOrEqual(limitMs * 0.8);
  expect(ms).toBeLessThanOrEqual(limitMs * 3 + 1000);
}
