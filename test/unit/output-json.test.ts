import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../shared/json-depth.js';
import { OutputStatus, type TaskOutput } from '../../shared/output.js';
import { jsonOfText, withJson } from '../../shared/output-json.js';

const stored = (text: string | null): TaskOutput => ({
  execution_id: 7,
  status: OutputStatus.SUCCESS,
  message: 'HTTP 200 OK',
  status_code: 200,
  headers: { 'content-type': 'application/json' },
  text,
  cookies: {},
  encoding: 'utf-8',
  log: ['GET https://api.test/'],
});

describe('the output json, derived from text by its readers', () => {
  it('parses any JSON text, whatever its content type said', () => {
    expect(jsonOfText('{"a":[1,{"b":null}]}')).toEqual({ json: { a: [1, { b: null }] } });
    expect(jsonOfText(' [true, 2, "x"]')).toEqual({ json: [true, 2, 'x'] });
    expect(jsonOfText('null')).toEqual({ json: null });
    expect(jsonOfText('-1.5e3')).toEqual({ json: -1500 });
  });

  it('has no json for text that is not JSON, empty or absent', () => {
    expect(jsonOfText('<html></html>')).toEqual({});
    expect(jsonOfText('{"unterminated": ')).toEqual({});
    expect(jsonOfText('')).toEqual({});
    expect(jsonOfText(null)).toEqual({});
  });

  it(`has no json for text nested deeper than ${MAX_JSON_DEPTH} levels`, () => {
    const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
    expect(jsonOfText(deep)).toEqual({});
  });

  it('puts json back right after text, in the connector order, and keys like __proto__ as data', () => {
    const whole = withJson(stored('{"__proto__":{"polluted":1},"ok":true}'));
    expect(Object.keys(whole)).toEqual([
      'execution_id',
      'status',
      'message',
      'status_code',
      'headers',
      'text',
      'json',
      'cookies',
      'encoding',
      'log',
    ]);
    expect(JSON.stringify(whole.json)).toBe('{"__proto__":{"polluted":1},"ok":true}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('leaves an output without JSON text as it is', () => {
    const output = stored('plain');
    expect(withJson(output)).toBe(output);
    expect(withJson(stored(null))).not.toHaveProperty('json');
  });
});
