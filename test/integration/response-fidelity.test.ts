import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';

const DEEP = '['.repeat(10_000) + ']'.repeat(10_000);

/**
 * Whatever a target answers, a request
 * that was sent keeps its record (status, headers, text, log), and `text`
 * keeps every byte. Through a real worker, Redis and a loopback target.
 */
describe('response fidelity', () => {
  let h: Harness;
  let target: HttpTestServer;

  beforeAll(async () => {
    target = await startHttpTestServer((req, res) => {
      req.resume();
      const path = new URL(req.url ?? '/', 'http://t').pathname;
      if (path === '/deep' || path === '/deep-500') {
        res.writeHead(path === '/deep' ? 200 : 500, {
          'content-type': 'application/json',
          'x-kept': 'yes',
        });
        return void res.end(DEEP);
      }
      if (path === '/latin1-plain' || path === '/latin1-html') {
        res.writeHead(200, { 'content-type': path.endsWith('html') ? 'text/html' : 'text/plain' });
        return void res.end(Buffer.from('Grüße aus Köln', 'latin1'));
      }
      res.writeHead(404);
      res.end();
    });
    h = startHarness();
  });
  afterAll(async () => {
    await h.close();
    await target.close();
  });

  it('a 200 with JSON nested 10,000 deep keeps status, headers, text and log; json left out, saying why', async () => {
    const execution = await h.run({ url: `${target.url}/deep` });
    expect(execution.state).toBe('completed');
    const output = execution.output!;
    expect(output).toMatchObject({ status: 'success', status_code: 200, encoding: 'utf-8' });
    expect(output.headers['x-kept']).toBe('yes');
    expect(output.text).toBe(DEEP);
    expect(output).not.toHaveProperty('json');
    expect(output.log.some((l) => l.endsWith('response HTTP 200 OK'))).toBe(true);
    expect(output.log.some((l) => /json left out: nested deeper than \d+ levels/.test(l))).toBe(
      true,
    );
  });

  it('an unexpected status with such a body keeps its output too', async () => {
    const execution = await h.run({
      url: `${target.url}/deep-500`,
      retry_status_code: [],
    });
    expect(execution.state).toBe('failed');
    expect(execution.output).toMatchObject({ status: 'error', status_code: 500, text: DEEP });
    expect(execution.output?.message).toMatch(/HTTP 500/);
  });

  it('a text/plain or text/html body in Latin-1 without a charset keeps every character', async () => {
    for (const path of ['/latin1-plain', '/latin1-html']) {
      const { output } = await h.run({ url: `${target.url}${path}` });
      expect(output).toMatchObject({ text: 'Grüße aus Köln', encoding: 'windows-1252' });
      expect(output?.text).not.toContain('\uFFFD');
    }
  });
});
