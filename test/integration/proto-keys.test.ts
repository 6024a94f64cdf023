import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../helpers/api-harness.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';

/** A body with every key a prototype-pollution attempt uses: legal JSON, to be sent as it is. */
const BODY =
  '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted2":2}},"a":[{"__proto__":{"polluted3":3}}]}';

/**
 * `__proto__` and `constructor.prototype` keys in a `json` body are data:
 * the API accepts them, the target receives the body byte for byte, and no
 * prototype is polluted in the process running the API, the producer and
 * the worker (here all in the test's process).
 */
describe('prototype keys in a json body', () => {
  let h: ApiHarness;
  let target: HttpTestServer;
  const received: string[] = [];

  beforeAll(async () => {
    target = await startHttpTestServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(BODY);
      });
    });
    h = await startApiHarness();
  });
  afterAll(async () => {
    await h.close();
    await target.close();
  });

  it('carries them to the target byte for byte, and pollutes nothing', async () => {
    const task = `{"url":"${target.url}/in","method":"post","json":${BODY}}`;
    const response = await fetch(`${h.url}/api/tasks?wait=20`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: task,
    });
    const answer = (await response.json()) as {
      state?: string;
      output?: { json?: unknown; text?: string };
    };
    expect(response.status, JSON.stringify(answer)).toBe(200);
    expect(answer.state).toBe('completed');
    expect(received).toEqual([BODY]);
    // The response's JSON with the same keys comes back as data too.
    expect(answer.output?.text).toBe(BODY);
    expect(JSON.stringify(answer.output?.json)).toBe(BODY);

    const plain = {} as Record<string, unknown>;
    expect(plain.polluted).toBeUndefined();
    expect(plain.polluted2).toBeUndefined();
    expect(plain.polluted3).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  });
});
