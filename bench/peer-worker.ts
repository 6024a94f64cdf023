/**
 * The alternatives taskrest is measured against, as their own processes:
 *
 * - MODE=noop: a BullMQ worker whose processor does nothing (the queue ceiling);
 * - MODE=axios: the bare peer, the minimal BullMQ worker a user would write
 *   instead of taskrest: one axios GET per job, returning status and body.
 *
 * Env: REDIS_URL, QUEUE, PREFIX, CONCURRENCY. Prints "ready" once consuming.
 */
import axios from 'axios';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
  maxRetriesPerRequest: null,
});
const mode = process.env.MODE ?? 'axios';

const processor: (job: { data: { url: string } }) => Promise<unknown> =
  mode === 'noop'
    ? async () => Promise.resolve({ ok: true })
    : async (job) => {
        const response = await axios.get<string>(job.data.url, { responseType: 'text' });
        return { status: response.status, body: response.data };
      };

const worker = new Worker(process.env.QUEUE ?? 'bench', processor, {
  connection,
  prefix: process.env.PREFIX ?? 'bull',
  concurrency: Number(process.env.CONCURRENCY ?? 16),
});
worker.on('error', () => undefined);
void worker.waitUntilReady().then(() => process.stdout.write('ready\n'));
process.on('SIGTERM', () => {
  void worker.close().then(() => {
    connection.disconnect();
    process.exit(0);
  });
});
