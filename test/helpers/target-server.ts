import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { startHttpTestServer, type HttpTestServer } from './http-test-server.js';

/** What the target saw of one request. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface TargetServer extends HttpTestServer {
  /** Every request received, in order. */
  readonly seen: SeenRequest[];
}

/**
 * A REST peer on loopback with the routes the end-to-end tests need. Every
 * request is recorded (method, URL, headers, body) so tests can check what
 * was really sent.
 */
export async function startTargetServer(): Promise<TargetServer> {
  const seen: SeenRequest[] = [];
  const server = await startHttpTestServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(request);
      route(request, res);
    });
  });
  return Object.assign(server, { seen });
}

function json(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}

function route(req: SeenRequest, res: ServerResponse): void {
  const url = new URL(req.url, 'http://target');
  const path = url.pathname;
  if (path === '/jokes/random') {
    return json(res, 200, {
      type: 'success',
      value: { id: 1, joke: 'Chuck Norris counted to infinity. Twice.' },
    });
  }
  if (path.startsWith('/anything') || path === '/echo') {
    return json(res, 200, {
      method: req.method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: req.body,
    });
  }
  if (path === '/cookies/set') {
    res.writeHead(200, {
      'set-cookie': ['session=abc123; Path=/; HttpOnly', 'theme="dark"; Max-Age=60'],
      'content-type': 'text/plain',
    });
    return void res.end('cookies set');
  }
  const redirect = /^\/redirect\/(\d+)$/.exec(path);
  if (redirect) {
    const left = Number(redirect[1]);
    if (left === 0)
      return json(res, 200, {
        arrived: true,
        method: req.method,
        body: req.body,
        headers: req.headers,
      });
    res.writeHead(302, { location: `/redirect/${left - 1}`, 'set-cookie': `hop${left}=1; Path=/` });
    return void res.end();
  }
  if (path === '/redirect-307') {
    res.writeHead(307, { location: '/echo' });
    return void res.end();
  }
  if (path === '/loop') {
    res.writeHead(302, { location: '/loop' });
    return void res.end();
  }
  const status = /^\/status\/(\d{3})$/.exec(path);
  if (status) return json(res, Number(status[1]), { status: Number(status[1]) });
  if (path === '/gzip') {
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-encoding': 'gzip',
    });
    return void res.end(gzipSync(JSON.stringify({ compressed: true, text: 'grüße' })));
  }
  if (path === '/latin1') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1' });
    return void res.end(Buffer.from([0x63, 0x61, 0x66, 0xe9])); // "café" in Latin-1
  }
  if (path === '/not-json') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end('{"oops": ');
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found');
}
