import { describe, expect, it } from 'vitest';
import {
  redactBoardResponse,
  redactJobData,
  redactOutput,
  redactText,
} from '../../api/dashboard-redaction.js';

const SECRET = 's3cr3t-value';

describe('what the dashboard shows', () => {
  it('job data: task credentials redacted, the user kept, sealed secrets left out', () => {
    const shown = redactJobData({
      url: `https://user:${SECRET}@api.example.com/x?token=${SECRET}&q=1`,
      headers: { Authorization: `Bearer ${SECRET}`, Accept: 'application/json' },
      cookies: { session: SECRET },
      $taskrest: { user: 'alice', sealed: { v: 1, data: SECRET } },
    });
    expect(JSON.stringify(shown)).not.toContain(SECRET);
    expect(shown).toMatchObject({
      headers: { Authorization: '[REDACTED]', Accept: 'application/json' },
      cookies: { session: '[REDACTED]' },
      $taskrest: { user: 'alice' },
    });
  });

  it('outputs: credential headers, cookie values and log lines redacted; body kept', () => {
    const shown = redactOutput({
      status: 'success',
      headers: { 'set-cookie': `sid=${SECRET}`, 'content-type': 'text/plain' },
      cookies: { sid: SECRET },
      text: 'hello',
      log: [`2026-01-01T00:00:00.000Z GET https://u:${SECRET}@a.example/?api_key=${SECRET}`],
      message: 'HTTP 200 OK',
    });
    expect(JSON.stringify(shown)).not.toContain(SECRET);
    expect(shown).toMatchObject({ text: 'hello', headers: { 'content-type': 'text/plain' } });
  });

  it('free text: name-value credentials and URL credentials', () => {
    for (const text of [
      `Authorization: Bearer ${SECRET}`,
      `authorization=Basic ${SECRET}`,
      `x-api-key: ${SECRET}`,
      `"client_secret":"${SECRET}"`,
      `refresh_token=${SECRET}; more`,
      `see https://bob:${SECRET}@host.example/path`,
    ]) {
      expect(redactText(text), text).not.toContain(SECRET);
    }
    expect(redactText('HTTP 500 Internal Server Error')).toBe('HTTP 500 Internal Server Error');
  });

  it('bull-board answers: failure reasons, stack traces and logs', async () => {
    const request = { queues: new Map(), query: {}, params: {}, body: {}, headers: {} } as never;
    const jobs = await redactBoardResponse(
      { method: 'get', route: '/api/queues', request },
      {
        status: 200,
        body: {
          queues: [
            { jobs: [{ failedReason: `token=${SECRET}`, stacktrace: [`Cookie: ${SECRET}`] }] },
          ],
        } as never,
      },
    );
    expect(JSON.stringify(jobs)).not.toContain(SECRET);
    const logs = await redactBoardResponse(
      { method: 'get', route: '/api/queues/:queueName/:jobId/logs', request },
      { status: 200, body: [`GET https://x.example/?sig=${SECRET}`] as never },
    );
    expect(JSON.stringify(logs)).not.toContain(SECRET);
  });
});
