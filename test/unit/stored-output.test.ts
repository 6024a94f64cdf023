import { describe, expect, it } from 'vitest';
import { OutputStatus, type TaskOutput } from '../../shared/output.js';
import { isStoredOutput, storedOutput, wholeOutput } from '../../shared/stored-output.js';
import { CONNECTOR_OUTPUT_ORDER } from '../helpers/seed-output-keys.js';

const output = (overrides: Partial<TaskOutput> = {}): TaskOutput => ({
  execution_id: 7,
  status: OutputStatus.SUCCESS,
  message: 'HTTP 200 OK',
  status_code: 200,
  headers: { 'content-type': 'application/json' },
  text: '{"ok":true}',
  json: { ok: true },
  cookies: {},
  encoding: 'utf-8',
  log: ['2026-12-01T00:00:00.000Z GET https://api.test/'],
  ...overrides,
});

/** Through Redis and back: what a reader of the job gets. */
const roundTrip = (whole: TaskOutput, jobId: string): TaskOutput =>
  wholeOutput(JSON.parse(JSON.stringify(storedOutput(whole))) as never, jobId);

describe('the output as stored, and made whole by its readers', () => {
  it('leaves out the id, json, no cookies and the standard message', () => {
    const stored = storedOutput(output());
    expect(Object.keys(stored)).toEqual([
      'status',
      'status_code',
      'headers',
      'text',
      'encoding',
      'log',
    ]);
    expect(isStoredOutput(stored)).toBe(true);
  });

  it.each<[string, Partial<TaskOutput>, string]>([
    ['a quick success', {}, '7'],
    ['a string id', { execution_id: 'order-42' }, 'order-42'],
    [
      'an unexpected status',
      {
        status: 'error',
        status_code: 404,
        message: 'HTTP 404 Not Found (expected 200)',
        text: 'nope',
        json: undefined,
      },
      '8',
    ],
    ['a reason phrase of its own', { message: 'HTTP 200 Okay' }, '7'],
    ['no reason phrase', { message: 'HTTP 299', status_code: 299 }, '7'],
    [
      'no response',
      {
        status: 'error',
        status_code: null,
        message: 'connect ECONNREFUSED',
        headers: {},
        text: null,
        json: undefined,
        encoding: null,
      },
      '7',
    ],
    ['cookies', { cookies: { session: 'abc' } }, '7'],
  ])('gives %s back exactly, in the connector order', (_name, overrides, jobId) => {
    const whole = output({
      execution_id: jobId === '7' || jobId === '8' ? Number(jobId) : jobId,
      ...overrides,
    });
    if (whole.json === undefined) delete whole.json;
    const back = roundTrip(whole, jobId);
    expect(back).toEqual(whole);
    expect(Object.keys(back)).toEqual(CONNECTOR_OUTPUT_ORDER.filter((key) => key in whole));
  });

  it('reads an output stored whole (by an earlier worker) the same', () => {
    const { json: _json, ...earlier } = output({ execution_id: 3, cookies: { a: 'b' } });
    expect(wholeOutput(earlier, '3')).toEqual(output({ execution_id: 3, cookies: { a: 'b' } }));
  });

  it('keeps a key like __proto__ in the JSON as data', () => {
    const text = '{"__proto__":{"polluted":1},"ok":true}';
    const back = roundTrip(output({ text, json: JSON.parse(text) as unknown }), '7');
    expect(JSON.stringify(back.json)).toBe(text);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not take another return value for an output', () => {
    expect(isStoredOutput({ status: 200, body: 'x' })).toBe(false);
    expect(isStoredOutput(null)).toBe(false);
    expect(isStoredOutput(['success'])).toBe(false);
  });
});
