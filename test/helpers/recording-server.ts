import type { IncomingHttpHeaders } from 'node:http';
import { startHttpTestServer, type HttpTestServer } from './http-test-server.js';

/** A server that records each request's path and headers, and redirects where told. */
export interface RecordingServer extends HttpTestServer {
  readonly seen: { path: string; headers: IncomingHttpHeaders }[];
}

/**
 * Answers `/to?url=U` with a 302 to U, and anything else with 200 `{"ok": true}`
 * (never echoing a header back).
 */
export async function startRecordingServer(): Promise<RecordingServer> {
  const seen: RecordingServer['seen'] = [];
  const server = await startHttpTestServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({ path: url.pathname, headers: req.headers });
    const target = url.pathname === '/to' ? url.searchParams.get('url') : null;
    if (target) {
      res.writeHead(302, { location: target });
      return void res.end();
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok": true}');
  });
  return Object.assign(server, { seen });
}
