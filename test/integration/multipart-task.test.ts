import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidTaskError } from '../../producer/index.js';
import { createFilesStore, type FilesStore } from '../../shared/files/files-store.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';

/**
 * Multipart tasks through a real worker: the file comes from the files
 * resource in Redis, and a retried attempt sends exactly the same bytes.
 */
describe('multipart tasks end to end', () => {
  let h: Harness;
  let redis: Redis;
  let files: FilesStore;
  let server: HttpTestServer;
  const bodies: { url: string; contentType: string; body: Buffer }[] = [];
  let failuresLeft = 0;
  const report = randomBytes(64 * 1024);

  beforeAll(async () => {
    h = startHarness();
    redis = new Redis(h.config.redisUrl);
    files = createFilesStore(redis, h.config);
    // Through the library, as a producing service would.
    await h.producer.files.put('report.txt', report);
    server = await startHttpTestServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push({
          url: req.url ?? '',
          contentType: req.headers['content-type'] ?? '',
          body: Buffer.concat(chunks),
        });
        const fail = req.url === '/flaky' && failuresLeft-- > 0;
        res.writeHead(fail ? 503 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ received: Buffer.concat(chunks).length }));
      });
    });
  });
  afterAll(async () => {
    await server.close();
    redis.disconnect();
    await h.close();
  });

  const seedParts = [
    { name: 'string-field', value: 'spam & eggs' },
    { name: 'file', file: 'report.txt' },
  ];

  it('sends the TaskREST basic example with the file from the files resource', async () => {
    const execution = await h.run({
      url: `${server.url}/post`,
      method: 'POST',
      multipart: { parts: seedParts },
    });
    expect(execution.output?.status).toBe('success');
    const sent = bodies.at(-1)!;
    expect(sent.contentType).toMatch(/^multipart\/mixed; boundary=[0-9a-f]{32}$/);
    expect(sent.body.includes(report)).toBe(true);
    expect(sent.body.toString('latin1')).toContain(
      'Content-Disposition: form-data; name="file"; filename="report.txt"\r\nContent-Length: 65536\r\n\r\n',
    );
  });

  it('rebuilds the body for a retry: the second attempt sends the same bytes', async () => {
    failuresLeft = 1;
    const before = bodies.length;
    const execution = await h.run({
      url: `${server.url}/flaky`,
      method: 'POST',
      multipart: { boundary: 'fixed-boundary', parts: seedParts },
      retry_backoff: { initial: 1, deadline: 30 },
    });
    expect(execution.output?.status).toBe('success');
    expect(execution.output?.log.some((l) => /retry 1 in 1\.0 s after HTTP 503/.test(l))).toBe(
      true,
    );
    const attempts = bodies.slice(before);
    expect(attempts).toHaveLength(2);
    expect(attempts[0]!.body.length).toBeGreaterThan(report.length);
    expect(attempts[1]!.body.equals(attempts[0]!.body)).toBe(true);
  });

  it('lists and removes files through the library', async () => {
    expect(await h.producer.files.list()).toContainEqual(
      expect.objectContaining({ name: 'report.txt', size: report.length }),
    );
    await files.put('temp.bin', Buffer.from('x'));
    expect(await h.producer.files.delete('temp.bin')).toBe(true);
    expect(await h.producer.files.get('temp.bin')).toBeNull();
  });

  it('fails naming a file removed between enqueue and run, before any request is sent', async () => {
    const before = bodies.length;
    await h.producer.files.put('missing.txt', Buffer.from('here at enqueue'));
    // Held back, so that the file is gone when it runs: a missing file is refused at enqueue.
    const { executionId } = await h.producer.enqueue(
      {
        url: `${server.url}/post`,
        method: 'POST',
        multipart: { parts: [{ name: 'file', file: 'missing.txt' }] },
      },
      { delay: 600 },
    );
    expect(await h.producer.files.delete('missing.txt')).toBe(true);
    await (await h.queue.getJob(String(executionId)))!.promote();
    const execution = (await h.producer.waitForResult(executionId, { timeoutMs: 20_000 }))!;
    expect(execution.state).toBe('failed');
    expect(execution.output?.message).toMatch(/missing\.txt/);
    expect(execution.output?.message).toMatch(/not found/);
    expect(bodies.length).toBe(before);
  });

  it('refuses a bad multipart task at enqueue, naming each field, and enqueues nothing', async () => {
    const before = await h.queue.count();
    const refused = await h.producer
      .enqueue({
        url: `${server.url}/post`,
        method: 'POST',
        multipart: {
          boundary: 'b',
          parts: [
            { name: 'file', file: '../etc/passwd' },
            { name: 'a', value: 'v', 'content-type': 'text/plain\r\nX-Evil: 1' },
            { name: 'b', value: 'x\r\n--b--' },
          ],
        },
      })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(InvalidTaskError);
    expect((refused as InvalidTaskError).issues).toEqual([
      {
        path: 'multipart.parts.0.file',
        message: 'a file name must not contain a ".." segment',
      },
      { path: 'multipart.parts.1.content-type', message: 'must not contain CR, LF or NUL' },
      { path: 'multipart.parts.2.value', message: 'contains the multipart boundary' },
    ]);
    expect(await h.queue.count()).toBe(before);
  });
});
