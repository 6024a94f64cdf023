import net from 'node:net';
import { Worker } from 'node:worker_threads';

/** A loopback port where a TCP connect never completes. */
export interface UnacceptingServer {
  port: number;
  close(): Promise<void>;
}

/**
 * A listening socket whose accept queue is full, so that further connects
 * never complete: Linux drops SYNs to a full queue. The listener lives in a
 * worker thread whose event loop is blocked, so nothing is ever accepted;
 * raw sockets fill its queue (backlog 1) until a connect hangs.
 */
export async function startUnacceptingServer(): Promise<UnacceptingServer> {
  const release = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const server = require('node:net').createServer();
     server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
       parentPort.postMessage(server.address().port);
       Atomics.wait(workerData, 0, 0);
       server.close();
     });`,
    { eval: true, workerData: release },
  );
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 64; i++) {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    fillers.push(socket);
    const connected = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      setTimeout(() => resolve(false), 300);
    });
    if (!connected) break;
  }
  return {
    port,
    close: async () => {
      for (const socket of fillers) socket.destroy();
      Atomics.store(release, 0, 1);
      Atomics.notify(release, 0);
      await worker.terminate();
    },
  };
}
