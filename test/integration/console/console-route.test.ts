import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { CONSOLE_CSP, consoleRoute } from '../../../api/console-route.js';

describe('the console route without a build', () => {
  it('answers 503 at / saying to run npm run build, under the same policy', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'console-missing-'));
    const app = Fastify();
    try {
      await app.register(consoleRoute(join(empty, 'console')));
      const response = await app.inject({ method: 'GET', url: '/' });
      expect(response.statusCode).toBe(503);
      expect(response.body).toContain('npm run build');
      expect(response.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect((await app.inject({ method: 'GET', url: '/assets/index.js' })).statusCode).toBe(404);
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
