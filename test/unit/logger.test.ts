import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger.js';

/** A destination that keeps every line pino writes. */
function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines };
}

describe('createLogger (pino)', () => {
  it('writes one JSON object a line: level name, ISO time, message, fields', () => {
    const out = capture();
    const logger = createLogger({ logLevel: 'info' }, { destination: out.stream });
    logger.info('worker started', { queue: 'q', concurrency: 16 });
    const [line] = out.lines();
    expect(line).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      msg: 'worker started',
      queue: 'q',
      concurrency: 16,
    });
  });

  it('drops lines under TASKREST_LOG_LEVEL', () => {
    const out = capture();
    const logger = createLogger({ logLevel: 'warn' }, { destination: out.stream });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(out.lines().map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'w'],
      ['error', 'e'],
    ]);
  });

  it('redacts secret fields by path, wherever a caller slipped them in', () => {
    const out = capture();
    const logger = createLogger({ logLevel: 'debug' }, { destination: out.stream });
    logger.warn('request', {
      headers: { authorization: 'Bearer s3cret-a', cookie: 'sid=s3cret-b', accept: 'text/plain' },
      grant: { client_secret: 's3cret-c', headers: { 'x-api-key': 's3cret-d' } },
      password: 's3cret-e',
    });
    const text = JSON.stringify(out.lines());
    expect(text).not.toMatch(/s3cret/);
    expect(out.lines()[0]).toMatchObject({
      headers: { authorization: '[REDACTED]', cookie: '[REDACTED]', accept: 'text/plain' },
      grant: { headers: { 'x-api-key': '[REDACTED]' } },
      password: '[REDACTED]',
    });
  });
});
