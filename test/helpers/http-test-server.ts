import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/** A real HTTP(S) server on 127.0.0.1 and a free port, for one test file. */
export interface HttpTestServer {
  /** `http://127.0.0.1:<port>` (or https). */
  url: string;
  port: number;
  server: http.Server;
  /** Destroys every open socket, then stops listening. */
  close(): Promise<void>;
}

/**
 * Starts a server with `handler`. Pass `tls` (key and cert) for HTTPS. The
 * server tracks its sockets so that `close()` ends keep-alive and stalled
 * connections too, rather than waiting for them.
 */
export async function startHttpTestServer(
  handler: http.RequestListener,
  tls?: { key: string; cert: string },
): Promise<HttpTestServer> {
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  const sockets = new Set<Socket>();
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A failed TLS handshake never becomes a secureConnection: track raw sockets too.
  if (tls) {
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    server.on('tlsClientError', () => undefined);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
